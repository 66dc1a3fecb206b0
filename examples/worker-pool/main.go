// Command worker-pool runs rounds of fan-out/fan-in work through a bounded
// pool of goroutines. Each round spawns one producer, a fixed number of
// workers and one collector, so goroscope shows a small, regular spawn tree:
//
//	main.main
//	├── main.produce
//	├── main.worker ×N
//	└── main.collect
//
// It prints "pid=<pid>" at start and "ready" once it is about to run the
// first round; it exits 0 after -rounds rounds, after -duration, or on
// SIGINT/SIGTERM (finishing the round in progress).
package main

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

type job struct {
	round, n int
}

type result struct {
	job  job
	hash uint32
}

func main() {
	workers := flag.Int("workers", 4, "goroutines in the pool (the bound)")
	jobs := flag.Int("jobs", 32, "jobs per round")
	rounds := flag.Int("rounds", 0, "rounds to run, then exit (0 = until -duration or a signal)")
	duration := flag.Duration("duration", 0, "stop after this long (0 = no limit)")
	jobTime := flag.Duration("job-time", 2*time.Millisecond, "time one job takes")
	pause := flag.Duration("pause", 100*time.Millisecond, "pause between rounds")
	startDelay := flag.Duration("start-delay", 0, "wait this long after \"ready\" before the first round (time to attach)")
	flag.Parse()
	if *workers < 1 || *jobs < 0 || *rounds < 0 {
		fmt.Fprintln(os.Stderr, "worker-pool: -workers must be >= 1, -jobs and -rounds >= 0")
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
	fmt.Println("ready")
	if !sleep(ctx, *startDelay) {
		fmt.Println("done rounds=0")
		return
	}

	done := 0
	for *rounds == 0 || done < *rounds {
		sum := runRound(done+1, *workers, *jobs, *jobTime)
		done++
		fmt.Printf("round %d: %d jobs, %d workers, checksum %08x\n", done, *jobs, *workers, sum)
		if *rounds != 0 && done == *rounds {
			break
		}
		if !sleep(ctx, *pause) {
			break
		}
	}
	fmt.Printf("done rounds=%d\n", done)
}

// runRound fans jobs out to a fixed pool and fans the results back in.
func runRound(round, workers, jobs int, jobTime time.Duration) uint32 {
	in := make(chan job)
	out := make(chan result)
	sum := make(chan uint32)

	go produce(round, jobs, in)
	var wg sync.WaitGroup
	wg.Add(workers)
	for i := 0; i < workers; i++ {
		go worker(in, out, jobTime, &wg)
	}
	go collect(out, sum)

	wg.Wait()
	close(out)
	return <-sum
}

func produce(round, jobs int, in chan<- job) {
	for n := 0; n < jobs; n++ {
		in <- job{round: round, n: n}
	}
	close(in)
}

func worker(in <-chan job, out chan<- result, jobTime time.Duration, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range in {
		time.Sleep(jobTime)
		h := fnv.New32a()
		fmt.Fprintf(h, "%d/%d", j.round, j.n)
		out <- result{job: j, hash: h.Sum32()}
	}
}

func collect(out <-chan result, sum chan<- uint32) {
	var x uint32
	for r := range out {
		x ^= r.hash
	}
	sum <- x
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
