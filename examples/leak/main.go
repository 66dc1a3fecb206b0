// Command leak starts goroutines that block forever receiving from a
// channel nobody ever writes (main.waitForReply), next to goroutines that
// receive their value and end (main.handleReply). goroscope reports the
// blocked ones as leak candidates; the others end normally. One more,
// main.heartbeat, lives as long as the program but wakes up every -every:
// alive long, never blocked long, so not a leak candidate in --deep mode.
//
// It keeps starting one of each every -every, so goroutines created after
// goroscope attached are there to see. It prints "pid=<pid>" and "ready",
// and exits 0 after -duration, after -leaks leaked goroutines (plus -linger),
// or on SIGINT/SIGTERM; the leaked goroutines are still blocked when it exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	leaks := flag.Int("leaks", 0, "leaked goroutines to start, then exit after -linger (0 = until -duration or a signal)")
	every := flag.Duration("every", 100*time.Millisecond, "start one leaking and one well-behaved goroutine this often")
	linger := flag.Duration("linger", time.Second, "how long to stay up after the last leak, so the blocked goroutines are seen blocked")
	duration := flag.Duration("duration", 0, "stop after this long (0 = no limit)")
	startDelay := flag.Duration("start-delay", 0, "wait this long after \"ready\" before starting goroutines (time to attach)")
	flag.Parse()
	if *leaks < 0 || *every <= 0 {
		fmt.Fprintln(os.Stderr, "leak: -leaks must be >= 0 and -every > 0")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}

	fmt.Printf("pid=%d\n", os.Getpid())
	go heartbeat(ctx, *every)
	fmt.Println("ready")

	started := 0
	if sleep(ctx, *startDelay) {
		tick := time.NewTicker(*every)
		defer tick.Stop()
	loop:
		for *leaks == 0 || started < *leaks {
			request(started)
			started++
			select {
			case <-tick.C:
			case <-ctx.Done():
				break loop
			}
		}
		if *leaks != 0 && started == *leaks {
			sleep(ctx, *linger)
		}
	}
	fmt.Printf("done leaked=%d\n", started)
}

// request sends two requests; the reply to the first one is lost.
func request(n int) {
	lost := make(chan string) // nobody keeps a reference that could write to it
	go waitForReply(n, lost)

	answered := make(chan string, 1)
	go handleReply(n, answered)
	answered <- fmt.Sprintf("reply %d", n)
}

// waitForReply blocks forever: the sender it waits for does not exist.
func waitForReply(n int, reply <-chan string) {
	r := <-reply
	fmt.Println("never printed", n, r)
}

// heartbeat wakes up every `every` until the program ends.
func heartbeat(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

// handleReply gets its reply and ends.
func handleReply(n int, reply <-chan string) {
	r := <-reply
	_ = fmt.Sprint(n, r)
}

// sleep waits for d or until ctx ends; it reports whether to go on.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
