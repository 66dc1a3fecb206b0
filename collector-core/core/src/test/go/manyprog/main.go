// manyprog parks N goroutines (first argument, default 100000) a few calls deep in the
// states a busy server's goroutines are in: receiving from a shared channel, in a select with
// a timer channel, waiting on one of a few mutexes, sending to a full buffered channel. It
// prints "ready" once all of them are parked and exits when stdin closes. With a second
// argument "churn" it also starts and ends goroutines continuously, for torn-read tests.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

var (
	jobs    = make(chan int)
	results = make(chan int, 16)
	stop    = make(chan struct{})
	locks   [8]sync.Mutex
	parked  sync.WaitGroup
)

//go:noinline
func handle(depth, i int) {
	if depth > 0 {
		handle(depth-1, i)
		return
	}
	switch i % 4 {
	case 0:
		parked.Done()
		<-jobs
	case 1:
		t := time.NewTimer(time.Hour)
		parked.Done()
		select {
		case <-jobs:
		case <-t.C:
		}
	case 2:
		parked.Done()
		locks[i%len(locks)].Lock()
		locks[i%len(locks)].Unlock()
	case 3:
		parked.Done()
		results <- i
	}
}

func worker(i int) {
	handle(i%5, i)
}

// churn starts short-lived goroutines without pause: g structs die and are reused while a
// sampler reads them.
func churn() {
	var sink chan int = make(chan int, 1024)
	for {
		for k := 0; k < 64; k++ {
			go func(k int) {
				x := k
				for j := 0; j < 100*(k%7); j++ {
					x = x*31 + j
				}
				select {
				case sink <- x:
				default:
				}
			}(k)
		}
		for len(sink) > 0 {
			<-sink
		}
		runtime.Gosched()
	}
}

func main() {
	n := 100000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	for i := range locks {
		locks[i].Lock()
	}
	for i := 0; i < 16; i++ {
		results <- -1
	}
	parked.Add(n)
	for i := 0; i < n; i++ {
		go worker(i)
	}
	parked.Wait()
	time.Sleep(200 * time.Millisecond)
	if len(os.Args) > 2 && os.Args[2] == "churn" {
		go churn()
	}
	fmt.Println("ready")
	buf := make([]byte, 1)
	os.Stdin.Read(buf)
	close(stop)
}
