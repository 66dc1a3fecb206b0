// gated waits for one line on stdin (the go-ahead, once the probes are attached), then runs
// -rounds rounds: each starts a main.round goroutine that starts -workers main.worker
// goroutines and waits for them. So every main.worker is created, after the go-ahead, by a
// goroutine that was itself created after it. It prints "done rounds=N workers=M" and exits.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"sync"
	"time"
)

func worker(n int, wg *sync.WaitGroup) {
	defer wg.Done()
	crc32.ChecksumIEEE([]byte(fmt.Sprint(n)))
	time.Sleep(time.Millisecond)
}

func round(workers int, done chan<- int) {
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go worker(i, &wg)
	}
	wg.Wait()
	done <- workers
}

func main() {
	rounds := flag.Int("rounds", 3, "rounds to run")
	workers := flag.Int("workers", 4, "workers per round")
	flag.Parse()
	bufio.NewReader(os.Stdin).ReadString('\n')
	total := 0
	for r := 0; r < *rounds; r++ {
		done := make(chan int)
		go round(*workers, done)
		total += <-done
	}
	fmt.Printf("done rounds=%d workers=%d\n", *rounds, total)
}
