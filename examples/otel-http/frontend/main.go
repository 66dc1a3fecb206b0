// Command frontend is the service of the otel-http example: an HTTP server instrumented with the
// OpenTelemetry Go SDK and otelhttp, whose handlers start spans and goroutines the way real
// services do. goroscope watches it and puts each goroutine under the application span that was
// open when it was created.
//
//	/checkout?items=N  a "fan-out" span; under it one goroutine per item (main.fetchPrice), each
//	                   with a "price" span and a call to the pricing service (otelhttp client);
//	                   then, after fan-out ended, a main.audit goroutine under the server span.
//	/report            the deadline-overrun path: a 100 ms deadline (-deadline), a "report" span
//	                   and a main.buildReport goroutine that ignores the deadline and works 300 ms
//	                   (-report-time); the handler answers 504 at the deadline.
//	/async             a span ended on another goroutine: "async-job" is started here and ended
//	                   by main.finishJob; after that, main.afterJob falls under the server span.
//	                   And a span that outlives its goroutine: main.enqueue starts "enqueue",
//	                   hands it over and exits; the handler ends it.
//
// Every span it starts is printed as
//
//	span name=<name> trace=<32 hex> span=<16 hex> sampled=<bool> goroutine=<goid>
//
// (the server span of each request as name=server) and every goroutine it starts as
//
//	goroutine role=<role> goroutine=<goid> under=<16 hex> trace=<32 hex>
//
// so that what goroscope reports can be checked against it. It prints "pid=<pid>", then
// "ready addr=127.0.0.1:<port>", and exits 0 after -duration or on SIGINT/SIGTERM, once
// in-flight requests and their goroutines ended and its spans are flushed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"goroscope.dev/examples/otel-http/internal/telemetry"
)

var tracer = otel.Tracer("goroscope.dev/examples/otel-http/frontend")

type server struct {
	pricing    string        // base URL of the pricing service
	deadline   time.Duration // the deadline /report gives its request
	reportTime time.Duration // how long main.buildReport works (longer than deadline)
	client     *http.Client

	background sync.WaitGroup // goroutines that outlive their request
	requests   atomic.Int64
	printMu    sync.Mutex
}

func main() {
	port := flag.Int("port", 8080, "loopback port to listen on (0 = any free port)")
	pricing := flag.String("pricing", "http://127.0.0.1:8081", "base URL of the pricing service")
	deadline := flag.Duration("deadline", 100*time.Millisecond, "deadline of a /report request")
	reportTime := flag.Duration("report-time", 300*time.Millisecond, "how long a report takes")
	duration := flag.Duration("duration", 0, "stop after this long (0 = until a signal)")
	flag.Parse()
	if *reportTime <= *deadline {
		fmt.Fprintln(os.Stderr, "frontend: -report-time must be longer than -deadline, or /report overruns nothing")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	shutdownTracing, err := telemetry.Setup(ctx, "shop-frontend")
	if err != nil {
		fmt.Fprintf(os.Stderr, "frontend: tracing: %v\n", err)
		os.Exit(1)
	}

	s := &server{pricing: *pricing, deadline: *deadline, reportTime: *reportTime,
		client: &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport),
			Timeout: 5 * time.Second}}
	mux := http.NewServeMux()
	mux.HandleFunc("/checkout", s.checkout)
	mux.HandleFunc("/report", s.report)
	mux.HandleFunc("/async", s.async)

	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "frontend: listen: %v\n", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: otelhttp.NewHandler(mux, "frontend"),
		ReadHeaderTimeout: 5 * time.Second}
	fmt.Printf("pid=%d\n", os.Getpid())
	fmt.Printf("ready addr=%s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "frontend: serve: %v\n", err)
			os.Exit(1)
		}
	}
	down, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(down)
	s.background.Wait()
	if err := shutdownTracing(down); err != nil {
		fmt.Fprintf(os.Stderr, "frontend: flushing spans: %v\n", err)
	}
	fmt.Printf("done requests=%d\n", s.requests.Load())
}

func (s *server) say(format string, args ...any) {
	s.printMu.Lock()
	defer s.printMu.Unlock()
	fmt.Printf(format+"\n", args...)
}

// started prints a span this service started (or, for name=server, otelhttp started for it).
func (s *server) started(name string, span trace.Span) {
	sc := span.SpanContext()
	s.say("span name=%s trace=%s span=%s sampled=%t goroutine=%d", name, sc.TraceID(),
		sc.SpanID(), sc.IsSampled(), telemetry.Goid())
}

// running prints a goroutine this service started and the span open where it was created.
func (s *server) running(role string, under trace.Span) {
	sc := under.SpanContext()
	s.say("goroutine role=%s goroutine=%d under=%s trace=%s", role, telemetry.Goid(),
		sc.SpanID(), sc.TraceID())
}

// checkout fans out one goroutine per item under a "fan-out" span, then audits.
func (s *server) checkout(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	server := trace.SpanFromContext(r.Context())
	s.started("server", server)
	items, err := strconv.Atoi(r.URL.Query().Get("items"))
	if err != nil || items < 1 || items > 32 {
		items = 3
	}
	ctx, fanOut := tracer.Start(r.Context(), "fan-out")
	s.started("fan-out", fanOut)
	prices := make([]string, items)
	var wg sync.WaitGroup
	for i := 0; i < items; i++ {
		wg.Add(1)
		go s.fetchPrice(ctx, fanOut, i, prices, &wg)
	}
	wg.Wait()
	fanOut.End()

	// Created after fan-out ended: it falls under the server span.
	s.background.Add(1)
	go s.audit(r.Context(), server)
	fmt.Fprintf(w, "total of %d items: %v\n", items, prices)
}

func (s *server) fetchPrice(ctx context.Context, under trace.Span, item int, prices []string,
	wg *sync.WaitGroup) {
	defer wg.Done()
	s.running("fetch-price", under)
	ctx, span := tracer.Start(ctx, "price")
	s.started("price", span)
	defer span.End()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		s.pricing+"/price?item="+strconv.Itoa(item), nil)
	if err != nil {
		prices[item] = "?"
		return
	}
	resp, err := s.client.Do(req)
	if err != nil {
		prices[item] = "?"
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	prices[item] = string(body[:max(0, len(body)-1)])
}

func (s *server) audit(ctx context.Context, under trace.Span) {
	defer s.background.Done()
	s.running("audit", under)
	time.Sleep(5 * time.Millisecond)
}

// report is the deadline-overrun path: buildReport ignores the request's deadline.
func (s *server) report(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.started("server", trace.SpanFromContext(r.Context()))
	ctx, cancel := context.WithTimeout(r.Context(), s.deadline)
	defer cancel()
	ctx, span := tracer.Start(ctx, "report")
	s.started("report", span)
	defer span.End()
	s.background.Add(1)
	go s.buildReport(span)
	<-ctx.Done()
	http.Error(w, "report not ready: "+ctx.Err().Error(), http.StatusGatewayTimeout)
}

// buildReport works past the deadline of the request that started it: a deadline overrun.
func (s *server) buildReport(under trace.Span) {
	defer s.background.Done()
	s.running("build-report", under)
	time.Sleep(s.reportTime)
}

// async: a span ended by another goroutine, and one that outlives the goroutine that started it.
func (s *server) async(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	server := trace.SpanFromContext(r.Context())
	s.started("server", server)
	_, job := tracer.Start(r.Context(), "async-job")
	s.started("async-job", job)
	done := make(chan struct{})
	go s.finishJob(job, done)
	<-done
	// async-job has ended (on finishJob's goroutine): this one falls under the server span.
	s.background.Add(1)
	go s.afterJob(server)

	spans := make(chan trace.Span)
	go s.enqueue(r.Context(), server, spans)
	queued := <-spans
	time.Sleep(5 * time.Millisecond) // enqueue's goroutine is gone by now
	queued.End()
	fmt.Fprintln(w, "job done")
}

func (s *server) finishJob(job trace.Span, done chan<- struct{}) {
	s.running("finish-job", job)
	time.Sleep(10 * time.Millisecond)
	job.End()
	close(done)
}

func (s *server) afterJob(under trace.Span) {
	defer s.background.Done()
	s.running("after-job", under)
	time.Sleep(2 * time.Millisecond)
}

// enqueue starts a span and hands it over: the span outlives this goroutine.
func (s *server) enqueue(ctx context.Context, under trace.Span, out chan<- trace.Span) {
	s.running("enqueue", under)
	_, span := tracer.Start(ctx, "enqueue")
	s.started("enqueue", span)
	out <- span
}
