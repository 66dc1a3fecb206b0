// Command goroutines is the target of goroscope's kernel probe tests: it runs a known goroutine
// tree and known contexts, and prints what the probes must see.
//
// It prints "ready" and waits for a line on stdin (so probes can be attached first), then:
//
//	G <goid> <parentGoid>              every goroutine of the tree, from runtime.Stack
//	D <ctx> <goid> <deadlineUnixNs>    every context.WithTimeout that returned a timerCtx
//	X <ctx> <goid> deadline|canceled   how each of those ended (goid = canceller, 0 = timer)
//	N <ctx>                            a WithTimeout child that is a plain cancelCtx
//	P <ctx> <parentCtx>                a timerCtx whose parent is a timerCtx
//	R <count>                          cancel() calls made at varying stack depths (-fresh-stacks:
//	                                   each round on a new goroutine, its stack grown anew)
//	done
//
// <ctx> is the context's identity as the probes know it (see ident).
//
// Flags: -fanout, -depth (tree), -fired, -cancelled, -nested (contexts), -recurse (deep-stack cancels),
// -spawn N (benchmark: N goroutines in a loop, prints elapsed ns), -ctxbench N and -pingpong N.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	out   = bufio.NewWriter(os.Stdout)
	outMu sync.Mutex
)

func printf(format string, args ...interface{}) {
	outMu.Lock()
	fmt.Fprintf(out, format, args...)
	outMu.Unlock()
}

// goid parses "goroutine 18 [running]:" from this goroutine's stack header.
func goid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	id, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		panic(err)
	}
	return id
}

// ident is the address the probes know a context by: that of its cancelCtx, the receiver of
// (*cancelCtx).cancel. A *timerCtx embeds its cancelCtx first, so that is the timerCtx's own
// address, except on Go 1.20, whose timerCtx holds a *cancelCtx instead.
func ident(ctx context.Context) uintptr {
	v := reflect.ValueOf(ctx)
	if v.Type().String() != "*context.timerCtx" {
		return v.Pointer()
	}
	inner := v.Elem().Field(0)
	if inner.Kind() == reflect.Ptr {
		return inner.Pointer()
	}
	return inner.UnsafeAddr()
}

// mainGoid is main's goroutine id; the tree's root waits until main is parked in
// WaitGroup.Wait before it starts, so that main is always readied by the tree's last goroutine.
var mainGoid int64

// waitUntilWaiting returns once goroutine id is parked in sync.WaitGroup.Wait (its stack
// header says "sync.WaitGroup.Wait", or "semacquire" before Go 1.25).
func waitUntilWaiting(id int64) {
	prefix := fmt.Sprintf("goroutine %d [", id)
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		for _, line := range strings.Split(string(buf[:n]), "\n") {
			if strings.HasPrefix(line, prefix) &&
				(strings.Contains(line, "WaitGroup.Wait") || strings.Contains(line, "semacquire")) {
				return
			}
		}
		runtime.Gosched()
	}
}

func tree(parent int64, depth, fanout int, wg *sync.WaitGroup) {
	defer wg.Done()
	if parent == mainGoid {
		waitUntilWaiting(mainGoid)
	}
	me := goid()
	printf("G %d %d\n", me, parent)
	if depth == 0 {
		return
	}
	for i := 0; i < fanout; i++ {
		wg.Add(1)
		go tree(me, depth-1, fanout, wg)
	}
}

// recurse calls WithTimeout+cancel at every depth so some cancel calls land right at a stack
// boundary, where morestack re-runs a function's prologue.
//
//go:noinline
func recurse(depth int, count *int) int {
	var pad [64]byte
	pad[depth%64] = byte(depth)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	cancel()
	_ = ctx
	*count++
	if depth == 0 {
		return int(pad[0])
	}
	return recurse(depth-1, count) + int(pad[depth%64])
}

// shift uses n more frames of stack before f runs, so that the stack boundaries fall on a
// different call each time f runs on a new goroutine.
//
//go:noinline
func shift(n int, f func()) {
	var pad [16]byte
	pad[n%16] = byte(n)
	if n == 0 {
		f()
		return
	}
	shift(n-1, f)
	_ = pad
}

// descend calls one cancel at each level on its way down, before anything else at that level:
// on a new goroutine's small stack, each time the stack is full a call of cancel's chain —
// now and then cancel's own prologue — is the one that makes it grow (and is re-run).
//
//go:noinline
func descend(cancels []context.CancelFunc, count *int) {
	if len(cancels) == 0 {
		return
	}
	cancels[0]()
	*count++
	descend(cancels[1:], count)
}

func main() {
	fanout := flag.Int("fanout", 4, "children per goroutine")
	depth := flag.Int("depth", 3, "levels below the root goroutine")
	fired := flag.Int("fired", 5, "contexts whose deadline fires")
	cancelled := flag.Int("cancelled", 5, "contexts cancelled before their deadline")
	recurseN := flag.Int("recurse", 0, "deep-stack cancel rounds")
	freshStacks := flag.Bool("fresh-stacks", false, "each -recurse round on a new goroutine, its stack shifted")
	nested := flag.Int("nested", 0, "timeouts under a parent with an earlier deadline")
	spawn := flag.Int("spawn", 0, "benchmark: spawn and join this many goroutines")
	ctxbench := flag.Int("ctxbench", 0, "benchmark: this many WithTimeout+cancel")
	pingpong := flag.Int("pingpong", 0, "benchmark: this many round trips between two goroutines")
	wait := flag.Bool("wait", true, "wait for a line on stdin before starting")
	flag.Parse()
	defer out.Flush()

	if *wait {
		fmt.Println("ready")
		bufio.NewReader(os.Stdin).ReadString('\n')
	}
	if *spawn > 0 {
		before := runtime.NumGoroutine()
		start := time.Now()
		var wg sync.WaitGroup
		for i := 0; i < *spawn; i++ {
			wg.Add(1)
			go func() { wg.Done() }()
		}
		wg.Wait()
		printf("spawn %d %d\n", *spawn, time.Since(start).Nanoseconds())
		// Done comes before a goroutine's exit: wait until every one has exited too, so that
		// all of them are seen exiting before the process does.
		for end := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before &&
			time.Now().Before(end); {
			time.Sleep(time.Millisecond)
		}
		printf("done\n")
		return
	}
	if *ctxbench > 0 {
		start := time.Now()
		for i := 0; i < *ctxbench; i++ {
			_, cancel := context.WithTimeout(context.Background(), time.Hour)
			cancel()
		}
		printf("ctxbench %d %d\n", *ctxbench, time.Since(start).Nanoseconds())
		printf("done\n")
		return
	}

	if *pingpong > 0 {
		start := time.Now()
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v
			}
			close(pong)
		}()
		for i := 0; i < *pingpong; i++ {
			ping <- i
			<-pong
		}
		close(ping)
		printf("pingpong %d %d\n", *pingpong, time.Since(start).Nanoseconds())
		printf("done\n")
		return
	}

	var wg sync.WaitGroup
	wg.Add(1)
	mainGoid = goid()
	go tree(mainGoid, *depth, *fanout, &wg)
	wg.Wait()

	var cwg sync.WaitGroup
	for i := 0; i < *fired+*cancelled; i++ {
		cwg.Add(1)
		fire := i < *fired
		go func() {
			defer cwg.Done()
			me := goid()
			d := time.Hour
			if fire {
				d = 20 * time.Millisecond
			}
			ctx, cancel := context.WithTimeout(context.Background(), d)
			dl, _ := ctx.Deadline()
			printf("D %#x %d %d\n", ident(ctx), me, dl.UnixNano())
			if fire {
				<-ctx.Done()
				printf("X %#x 0 deadline\n", ident(ctx))
				cancel() // a second cancel of the same ctx: no new event
			} else {
				cancel()
				printf("X %#x %d canceled\n", ident(ctx), me)
			}
		}()
	}
	cwg.Wait()

	// WithTimeout under a parent whose deadline is earlier returns a plain cancelCtx: no
	// deadline of its own, so no D line (and no deadline event) for the child. One with an
	// earlier deadline than its parent's is a timerCtx whose parent is a timerCtx (P line).
	for i := 0; i < *nested; i++ {
		me := goid()
		parent, cancelParent := context.WithTimeout(context.Background(), time.Hour)
		dl, _ := parent.Deadline()
		printf("D %#x %d %d\n", ident(parent), me, dl.UnixNano())
		child, cancelChild := context.WithTimeout(parent, 2*time.Hour)
		printf("N %#x\n", ident(child))
		cancelChild()
		printf("X %#x %d canceled\n", ident(child), me)
		inner, cancelInner := context.WithTimeout(parent, time.Minute)
		innerDl, _ := inner.Deadline()
		printf("D %#x %d %d\n", ident(inner), me, innerDl.UnixNano())
		printf("P %#x %#x\n", ident(inner), ident(parent))
		cancelInner()
		printf("X %#x %d canceled\n", ident(inner), me)
		cancelParent()
		printf("X %#x %d canceled\n", ident(parent), me)
	}

	if *recurseN > 0 && *freshStacks {
		// Each round: contexts made first (their making goes deep too), then a new goroutine,
		// on the smallest stack (GODEBUG=adaptivestackstart=0) shifted by a different amount,
		// cancels them one level deeper each.
		count := 0
		for i := 0; i < *recurseN; i++ {
			cancels := make([]context.CancelFunc, 50+i%200)
			for j := range cancels {
				_, cancels[j] = context.WithTimeout(context.Background(), time.Hour)
			}
			done := make(chan struct{})
			go func(i int) {
				shift(i%97, func() { descend(cancels, &count) })
				close(done)
			}(i)
			<-done
		}
		printf("R %d\n", count)
	} else if *recurseN > 0 {
		count := 0
		done := make(chan struct{})
		go func() {
			for i := 0; i < *recurseN; i++ {
				recurse(50+i%200, &count)
			}
			close(done)
		}()
		<-done
		printf("R %d\n", count)
	}
	printf("done\n")
}
