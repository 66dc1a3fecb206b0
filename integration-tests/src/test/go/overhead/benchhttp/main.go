// Command benchhttp is the service of goroscope's overhead benchmark (scripts/bench.sh
// overhead): a keep-alive HTTP server on a loopback port where every request gets a context
// with a deadline (context.WithTimeout) and starts two goroutines that do a little work and
// finish; the handler joins them before it replies. That is one connection goroutine's worth of
// work plus, per request, two goroutine creations and exits and one deadline context with its
// cancel: the causal edges goroscope traps by default.
//
// It prints "pid=<pid>", "port=<port>" and "ready" on stdout once it accepts connections, and
// on SIGTERM/SIGINT "done requests=<n>" and exits 0. -tracer runs Go's own execution tracer or
// flight recorder for the whole life of the process.
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"goroscope.dev/test/overhead/internal/gotracer"
)

func main() {
	port := flag.Int("port", 0, "loopback port to listen on (0 = any free port)")
	tracer := flag.String("tracer", "none", "Go tracer to run: "+gotracer.Modes)
	work := flag.Int("work", 200, "rounds of arithmetic each of the two goroutines does per request")
	timeout := flag.Duration("timeout", time.Second, "deadline of each request's context")
	flag.Parse()

	stopTracer, err := gotracer.Start(*tracer)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchhttp: %v\n", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchhttp: listen: %v\n", err)
		os.Exit(1)
	}
	h := &handler{work: *work, timeout: *timeout}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Printf("pid=%d\n", os.Getpid())
	fmt.Printf("port=%d\n", ln.Addr().(*net.TCPAddr).Port)
	fmt.Println("ready")

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, os.Interrupt)
	select {
	case <-signals:
	case err := <-served:
		fmt.Fprintf(os.Stderr, "benchhttp: serve: %v\n", err)
		os.Exit(1)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	stopTracer()
	fmt.Printf("done requests=%d\n", h.requests.Load())
}

type handler struct {
	work     int
	timeout  time.Duration
	requests atomic.Int64
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.requests.Add(1)
	ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
	defer cancel()
	var results [2]uint64
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = compute(ctx, uint64(i+1), h.work)
		}()
	}
	wg.Wait()
	var body [16]byte
	binary.LittleEndian.PutUint64(body[:8], results[0])
	binary.LittleEndian.PutUint64(body[8:], results[1])
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body[:])
}

// compute is the "little work": a xorshift walk, stopped early if the deadline has passed.
func compute(ctx context.Context, seed uint64, rounds int) uint64 {
	x := seed*0x9e3779b97f4a7c15 + 1
	for i := 0; i < rounds; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	if ctx.Err() != nil {
		return 0
	}
	return x
}
