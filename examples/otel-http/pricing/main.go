// Command pricing is the second service of the otel-http example: GET /price?item=N answers a
// price after a few milliseconds. Instrumented with otelhttp, it continues the caller's trace
// (W3C traceparent) and exports its spans like the frontend does.
//
// It prints "pid=<pid>", then "ready addr=127.0.0.1:<port>", and exits 0 after -duration or on
// SIGINT/SIGTERM.
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
	"strconv"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"goroscope.dev/examples/otel-http/internal/telemetry"
)

func main() {
	port := flag.Int("port", 8081, "loopback port to listen on (0 = any free port)")
	work := flag.Duration("work", 5*time.Millisecond, "time a price takes")
	duration := flag.Duration("duration", 0, "stop after this long (0 = until a signal)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	shutdownTracing, err := telemetry.Setup(ctx, "shop-pricing")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pricing: tracing: %v\n", err)
		os.Exit(1)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/price", func(w http.ResponseWriter, r *http.Request) {
		item, _ := strconv.Atoi(r.URL.Query().Get("item"))
		time.Sleep(*work)
		fmt.Fprintf(w, "%d.%02d\n", 10+item, item%100)
	})
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "pricing: listen: %v\n", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: otelhttp.NewHandler(mux, "pricing"),
		ReadHeaderTimeout: 5 * time.Second}
	fmt.Printf("pid=%d\n", os.Getpid())
	fmt.Printf("ready addr=%s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "pricing: serve: %v\n", err)
			os.Exit(1)
		}
	}
	down, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(down)
	if err := shutdownTracing(down); err != nil {
		fmt.Fprintf(os.Stderr, "pricing: flushing spans: %v\n", err)
	}
	fmt.Println("done")
}
