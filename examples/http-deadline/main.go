// Command http-deadline is an HTTP server on a loopback port whose handlers
// give each request a deadline with context.WithTimeout:
//
//	/ok      looks something up in a child goroutine that honours the request
//	         context; it finishes well inside the deadline.
//	/leaky   a slow lookup (the request's deadline fires, 504) that also
//	         starts main.audit with context.Background(): that goroutine
//	         never sees the deadline and keeps running after it has passed.
//	         goroscope flags it as a deadline overrun.
//	/slow    work that takes longer than the deadline but honours the context:
//	         the context ends with deadline_exceeded and the handler answers
//	         504; no goroutine outlives the deadline, so it is not an overrun.
//
// It prints "pid=<pid>" and then "ready addr=127.0.0.1:<port>" once it
// accepts connections (-port 0 picks a free port). It exits 0 after
// -duration or on SIGINT/SIGTERM, after in-flight requests and audits end.
// Load comes from ./loadgen.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type server struct {
	timeout  time.Duration // the deadline each request gets
	work     time.Duration // what a lookup costs (well under timeout)
	leakTime time.Duration // how long an audit runs (longer than timeout)

	audits   sync.WaitGroup
	requests atomic.Int64
	overruns atomic.Int64
}

func main() {
	port := flag.Int("port", 8080, "loopback port to listen on (0 = any free port)")
	timeout := flag.Duration("timeout", 100*time.Millisecond, "deadline of each request")
	work := flag.Duration("work", 5*time.Millisecond, "time a lookup takes")
	leakTime := flag.Duration("leak-time", 300*time.Millisecond, "how long the goroutine /leaky starts keeps running")
	duration := flag.Duration("duration", 0, "stop after this long (0 = until a signal)")
	flag.Parse()
	if *leakTime <= *timeout {
		fmt.Fprintln(os.Stderr, "http-deadline: -leak-time must be longer than -timeout, or /leaky overruns nothing")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}

	s := &server{timeout: *timeout, work: *work, leakTime: *leakTime}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", s.ok)
	mux.HandleFunc("/leaky", s.leaky)
	mux.HandleFunc("/slow", s.slow)

	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "http-deadline: listen: %v\n", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	fmt.Printf("pid=%d\n", os.Getpid())
	fmt.Printf("ready addr=%s\n", ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-served:
		fmt.Fprintf(os.Stderr, "http-deadline: serve: %v\n", err)
		os.Exit(1)
	}

	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintf(os.Stderr, "http-deadline: shutdown: %v\n", err)
	}
	s.audits.Wait() // let every overrunning goroutine end, so it is observed ending
	fmt.Printf("done requests=%d overruns=%d\n", s.requests.Load(), s.overruns.Load())
}

func (s *server) ok(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	v, err := s.fetch(ctx, r.URL.Query().Get("key"), s.work)
	reply(w, v, err)
}

func (s *server) leaky(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	key := r.URL.Query().Get("key")

	// The bug this example exists for: the audit is detached from the
	// request's context, so it runs on after the request's deadline.
	s.audits.Add(1)
	s.overruns.Add(1)
	go s.audit(context.Background(), key)

	// The lookup is slow, so the request's deadline fires while the audit
	// still runs: that is what makes the audit an overrun. (A request that
	// returns before its deadline cancels its context, and a cancelled
	// context has no deadline to overrun.)
	v, err := s.fetch(ctx, key, 2*s.timeout)
	reply(w, v, err)
}

func (s *server) slow(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	v, err := s.fetch(ctx, r.URL.Query().Get("key"), 2*s.timeout)
	reply(w, v, err)
}

// fetch runs a lookup in its own goroutine and waits for it or the deadline.
func (s *server) fetch(ctx context.Context, key string, cost time.Duration) (string, error) {
	res := make(chan string, 1) // buffered: lookup never blocks if fetch gave up
	go lookup(ctx, key, cost, res)
	select {
	case v := <-res:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// lookup stands for a call to a backend that honours its context.
func lookup(ctx context.Context, key string, cost time.Duration, res chan<- string) {
	t := time.NewTimer(cost)
	defer t.Stop()
	select {
	case <-t.C:
		res <- "value-of-" + key
	case <-ctx.Done():
	}
}

// audit stands for fire-and-forget work (logging, metrics, a cache refresh)
// started with the wrong context.
func (s *server) audit(ctx context.Context, key string) {
	defer s.audits.Done()
	t := time.NewTimer(s.leakTime)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done(): // never: ctx is context.Background()
	}
	_ = key
}

func reply(w http.ResponseWriter, v string, err error) {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		http.Error(w, "deadline exceeded", http.StatusGatewayTimeout)
	case err != nil:
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	default:
		fmt.Fprintln(w, v)
	}
}
