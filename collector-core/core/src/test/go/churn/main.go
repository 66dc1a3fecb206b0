// churn keeps goroutines coming and going, as a busy service does: -workers spawners each
// start a main.task goroutine every -every; each task computes a checksum, checks it, lives
// -life and ends. Some tasks start a child of their own (main.subtask) and wait for it.
//
// It prints "ready" once the spawners run, and on its end (after -duration, or on SIGTERM or
// SIGINT) "done spawned=N bad=M", where bad counts checksums that came out wrong.
package main

import (
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	spawned atomic.Int64
	bad     atomic.Int64
	data    = make([]byte, 4096)
	want    uint32
)

func task(life time.Duration, withChild bool, wg *sync.WaitGroup) {
	defer wg.Done()
	if crc32.ChecksumIEEE(data) != want {
		bad.Add(1)
	}
	if withChild {
		var child sync.WaitGroup
		child.Add(1)
		spawned.Add(1)
		go subtask(&child)
		child.Wait()
	}
	time.Sleep(life)
}

func subtask(wg *sync.WaitGroup) {
	defer wg.Done()
	if crc32.ChecksumIEEE(data[:1024]) == 0 {
		bad.Add(1)
	}
}

func spawner(every, life time.Duration, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	var tasks sync.WaitGroup
	defer tasks.Wait()
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		tasks.Add(1)
		spawned.Add(1)
		go task(life, n%4 == 0, &tasks)
		time.Sleep(every)
	}
}

func main() {
	workers := flag.Int("workers", 2, "spawning goroutines")
	every := flag.Duration("every", time.Millisecond, "pause between two tasks of one spawner")
	life := flag.Duration("life", 10*time.Millisecond, "how long a task lives")
	duration := flag.Duration("duration", 0, "stop after this long (0 = until a signal)")
	flag.Parse()
	for i := range data {
		data[i] = byte(i * 7)
	}
	want = crc32.ChecksumIEEE(data)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go spawner(*every, *life, stop, &wg)
	}
	fmt.Println("ready")
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	var timeout <-chan time.Time
	if *duration > 0 {
		timeout = time.After(*duration)
	}
	select {
	case <-signals:
	case <-timeout:
	}
	close(stop)
	wg.Wait()
	fmt.Printf("done spawned=%d bad=%d\n", spawned.Load(), bad.Load())
}
