// spawntree builds a known goroutine tree and two contexts with deadlines, printing what it
// did so a test can compare it with what goroscope observed from outside:
//
//	early <goid> parent <parent goid> fn main.early   goroutines started before attach
//	ready                                             (flushed) the early ones are running
//	g <goid> parent <parent goid> fn <function>       for every goroutine of the tree
//	ctx deadline                                      a WithTimeout whose deadline fires
//	ctx cancel                                        a WithTimeout cancelled before its deadline
//
// It starts the early goroutines (blocked until then, so only the attach-time snapshot can
// report them), prints ready and waits for a line on stdin, so the probes can be attached first.
package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

var (
	mu  sync.Mutex
	out = bufio.NewWriter(os.Stdout)
)

func goid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _ := strconv.ParseInt(string(bytes.Fields(buf)[1]), 10, 64)
	return id
}

func report(kind string, parent int64, fn string) {
	mu.Lock()
	fmt.Fprintf(out, "%s %d parent %d fn %s\n", kind, goid(), parent, fn)
	mu.Unlock()
}

func level1(parent int64, wg *sync.WaitGroup) {
	defer wg.Done()
	report("g", parent, "main.level1")
	me := goid()
	var inner sync.WaitGroup
	for i := 0; i < 4; i++ {
		inner.Add(1)
		go level2(me, &inner)
	}
	inner.Wait()
}

func level2(parent int64, wg *sync.WaitGroup) {
	defer wg.Done()
	report("g", parent, "main.level2")
	me := goid()
	var inner sync.WaitGroup
	for i := 0; i < 5; i++ {
		inner.Add(1)
		go leaf(me, &inner)
	}
	inner.Wait()
}

func leaf(parent int64, wg *sync.WaitGroup) {
	defer wg.Done()
	report("g", parent, "main.leaf")
	time.Sleep(time.Millisecond)
}

func early(parent int64, started *sync.WaitGroup, release chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	report("early", parent, "main.early")
	started.Done()
	<-release
}

func main() {
	me := goid()
	var started, earlyDone sync.WaitGroup
	release := make(chan struct{})
	for i := 0; i < 4; i++ {
		started.Add(1)
		earlyDone.Add(1)
		go early(me, &started, release, &earlyDone)
	}
	started.Wait()
	fmt.Println("ready")
	bufio.NewReader(os.Stdin).ReadString('\n')
	close(release)
	earlyDone.Wait()

	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go level1(me, &wg)
	}
	wg.Wait()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	<-ctx.Done()
	cancel()
	fmt.Fprintln(out, "ctx deadline")

	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Hour)
	cancel2()
	<-ctx2.Done()
	fmt.Fprintln(out, "ctx cancel")
	out.Flush()
}
