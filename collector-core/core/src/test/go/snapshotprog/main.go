// snapshotprog starts goroutines that block forever and prints each one's goid and its
// creator's goid, so a test can compare them with what goroscope reads from memory.
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func goid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	// "goroutine 42 [running]:"
	fields := bytes.Fields(buf)
	id, _ := strconv.ParseInt(string(fields[1]), 10, 64)
	return id
}

func blocked(parent int64, ready *sync.WaitGroup, never chan struct{}, out chan string) {
	out <- fmt.Sprintf("goroutine %d parent %d", goid(), parent)
	ready.Done()
	<-never
}

func main() {
	n := 20
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	never := make(chan struct{})
	out := make(chan string, n)
	var ready sync.WaitGroup
	ready.Add(n)
	me := goid()
	for i := 0; i < n; i++ {
		go blocked(me, &ready, never, out)
	}
	ready.Wait()
	for i := 0; i < n; i++ {
		fmt.Println(<-out)
	}
	fmt.Println("ready")
	// Sleep rather than block: with every goroutine blocked the runtime would report a deadlock.
	time.Sleep(time.Hour)
}
