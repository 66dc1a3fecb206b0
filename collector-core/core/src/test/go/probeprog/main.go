// Command probeprog is the Go program the inspector tests build with every toolchain: it uses
// the runtime and context functions goroscope probes, and starts goroutines through closures and
// plain calls so the tests can check start-function unwrapping (main.main.func1,
// main.main.gowrap1).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync"
	"time"
)

//go:noinline
func worker(id int, results chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	time.Sleep(time.Millisecond)
	results <- id * id
}

type server struct {
	mu   sync.Mutex
	hits int
}

//go:noinline
func (s *server) handle(ctx context.Context, n int) {
	s.mu.Lock()
	s.hits += n
	s.mu.Unlock()
	select {
	case <-ctx.Done():
	case <-time.After(time.Millisecond):
	}
}

func main() {
	wait := len(os.Args) > 1 && os.Args[1] == "-wait"
	if wait {
		// The run-time entry PC of main.worker: tests resolve it through the PIE load bias.
		fmt.Printf("worker %#x\n", reflect.ValueOf(worker).Pointer())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()

	results := make(chan int, 8)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		// Runs through a wrapper: main.main.gowrap1 (Go 1.22+), main.main.func2 before.
		go worker(i, results, &wg)
	}
	s := &server{}
	wg.Add(1)
	go func() { // a closure: main.main.func1
		defer wg.Done()
		s.handle(ctx, 3)
	}()
	wg.Wait()
	close(results)
	sum := 0
	for r := range results {
		sum += r
	}
	<-ctx.Done()
	fmt.Fprintln(os.Stdout, "sum", sum, "hits", s.hits, ctx.Err())
	if wait {
		// Stay alive until stdin closes, for tests that look at a running process.
		_, _ = io.Copy(io.Discard, os.Stdin)
	}
}
