// offsetprobe links every runtime and context structure and function goroscope probes, so
// its DWARF yields the struct offsets of the built-in table and its code the probe sites.
// Built by the tests and by scripts/generate-offset-table.sh with each Go toolchain.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

// depth recurses so the goroutine's stack must grow (morestack re-runs prologues).
func depth(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return depth(n-1) + int(pad[n%64]&1)
}

func main() {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_ = depth(1000 * i)
		}(i)
	}
	wg.Wait()

	deadline, cancel := context.WithDeadline(context.Background(), time.Now().Add(5*time.Millisecond))
	defer cancel()
	<-deadline.Done()
	timeout, cancel2 := context.WithTimeout(context.Background(), time.Hour)
	cancel2()
	<-timeout.Done()
	ch := make(chan int)
	go func() { ch <- 1 }()
	<-ch
	close(ch)
	if _, ok := <-ch; ok { // chanrecv2
		os.Exit(1)
	}

	// Runtime events: contended and reader/writer locks, a thread lock, GC and a world stop.
	var mu sync.Mutex
	var rw sync.RWMutex
	mu.Lock()
	go func() { mu.Lock(); rw.RLock(); rw.RUnlock(); mu.Unlock() }()
	time.Sleep(time.Millisecond)
	mu.Unlock()
	rw.Lock()
	rw.Unlock()
	runtime.LockOSThread()
	runtime.UnlockOSThread()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	if !errors.Is(deadline.Err(), context.DeadlineExceeded) || !errors.Is(timeout.Err(), context.Canceled) {
		fmt.Fprintln(os.Stderr, "unexpected context errors:", deadline.Err(), timeout.Err())
		os.Exit(1)
	}
	fmt.Println("ok", time.Now().Year() > 2000)
}
