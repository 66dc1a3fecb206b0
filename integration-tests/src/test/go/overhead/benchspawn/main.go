// Command benchspawn is the spawn-heavy program of goroscope's overhead benchmark. With -kind
// mixed (the default) one operation is what goroscope's default probes trap most densely: a
// context with a deadline (context.WithTimeout), a goroutine started with it that checks it and
// finishes, and the cancel. Joined every -batch operations, so at most that many goroutines are
// alive. The other kinds isolate one edge: spawn (go func(){ wg.Done() }()), ctx
// (WithTimeout(bg, 1h) + cancel, no goroutine) and pingpong (a round trip over two unbuffered
// channels with a partner goroutine: no default probe fires, --deep traps every park and ready).
//
// It runs -warmup operations first (not measured), prints "pid=<pid>" and "ready", and waits
// for SIGUSR1 (so probes can be attached in between); then it runs -ops operations, prints
//
//	ops=<n> seconds=<wall> ops_per_s=<n/wall>
//
// and waits for SIGTERM/SIGINT before it exits 0 (so whoever measures can read the tracer's
// CPU first). Without -wait it starts at once and exits after the line.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"goroscope.dev/test/overhead/internal/gotracer"
)

var sink atomic.Int64

func main() {
	ops := flag.Int("ops", 50000, "measured operations")
	warmup := flag.Int("warmup", 5000, "operations before the ready line (not measured)")
	batch := flag.Int("batch", 1000, "operations between joins")
	wait := flag.Bool("wait", true, "wait for SIGUSR1 before and SIGTERM after the measured run")
	tracer := flag.String("tracer", "none", "Go tracer to run: "+gotracer.Modes)
	kind := flag.String("kind", "mixed", "what one operation is: mixed, spawn, ctx, pingpong")
	flag.Parse()
	run, ok := kinds[*kind]
	if !ok {
		fmt.Fprintf(os.Stderr, "benchspawn: -kind %q: use mixed, spawn, ctx or pingpong\n", *kind)
		os.Exit(2)
	}
	if *ops <= 0 || *batch <= 0 || *warmup < 0 {
		fmt.Fprintln(os.Stderr, "benchspawn: -ops and -batch must be positive, -warmup not negative")
		os.Exit(2)
	}
	stopTracer, err := gotracer.Start(*tracer)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchspawn: %v\n", err)
		os.Exit(2)
	}
	defer stopTracer()

	start := make(chan os.Signal, 1)
	end := make(chan os.Signal, 1)
	signal.Notify(start, syscall.SIGUSR1)
	signal.Notify(end, syscall.SIGTERM, os.Interrupt)

	run(*warmup, *batch)
	fmt.Printf("pid=%d\n", os.Getpid())
	fmt.Println("ready")
	if *wait {
		select {
		case <-start:
		case <-end:
			os.Exit(1)
		}
	}
	t := time.Now()
	run(*ops, *batch)
	wall := time.Since(t)
	fmt.Printf("ops=%d seconds=%.6f ops_per_s=%.1f\n", *ops, wall.Seconds(), float64(*ops)/wall.Seconds())
	if *wait {
		<-end
	}
}

var kinds = map[string]func(n, batch int){
	"mixed":    mixed,
	"spawn":    spawn,
	"ctx":      ctxOnly,
	"pingpong": pingpong,
}

func mixed(n, batch int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ctx.Err() == nil {
				sink.Add(1)
			}
		}()
		cancel()
		if (i+1)%batch == 0 {
			wg.Wait()
		}
	}
	wg.Wait()
}

func spawn(n, batch int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { wg.Done() }()
		if (i+1)%batch == 0 {
			wg.Wait()
		}
	}
	wg.Wait()
}

func ctxOnly(n, _ int) {
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		if ctx.Err() == nil {
			sink.Add(1)
		}
		cancel()
	}
}

func pingpong(n, _ int) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	for i := 0; i < n; i++ {
		ping <- i
		sink.Add(int64(<-pong))
	}
	close(ping)
	<-pong
}
