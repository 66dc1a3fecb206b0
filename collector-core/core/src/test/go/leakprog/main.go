// leakprog runs goroutines at known rates, for the tests of sampled mode's leak groups and
// precise bursts. It prints "addr sink 0x…" and "ready", then runs its mode until stdin closes:
//
//	leak   every 50 ms one goroutine (main.blockedSend, started by main.leaker) blocks forever
//	       sending on sink, an unbuffered channel nobody receives from: a leak of 20 per second
//	       on one channel; beside it, the steady pool below
//	steady a pool of 4 workers (main.worker) receiving jobs from a channel, a producer sending
//	       one job every 2 ms, and for each job a goroutine (main.helper) that lives 1 ms:
//	       goroutines come and go, nothing grows
//	churn  the steady pool, plus main.burst goroutines created 2,000 times a second, each
//	       living 2 ms: what only precise probes see whole
package main

import (
	"bufio"
	"fmt"
	"os"
	"time"
)

var sink = make(chan int)

func blockedSend(i int) {
	sink <- i
}

func leaker() {
	for i := 0; ; i++ {
		go blockedSend(i)
		time.Sleep(50 * time.Millisecond)
	}
}

func helper(done chan<- struct{}) {
	time.Sleep(time.Millisecond)
	done <- struct{}{}
}

func worker(jobs <-chan int) {
	for range jobs {
		done := make(chan struct{})
		go helper(done)
		<-done
	}
}

func producer(jobs chan<- int) {
	for i := 0; ; i++ {
		jobs <- i
		time.Sleep(2 * time.Millisecond)
	}
}

func burst() {
	time.Sleep(2 * time.Millisecond)
}

func churner() {
	tick := time.NewTicker(time.Millisecond)
	for range tick.C {
		go burst()
		go burst()
	}
}

func main() {
	mode := "steady"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	jobs := make(chan int)
	for i := 0; i < 4; i++ {
		go worker(jobs)
	}
	go producer(jobs)
	switch mode {
	case "leak":
		go leaker()
	case "churn":
		go churner()
	case "steady":
	default:
		fmt.Fprintln(os.Stderr, "leakprog: mode is leak, steady or churn")
		os.Exit(2)
	}
	fmt.Printf("addr sink %p\n", sink)
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
	}
}
