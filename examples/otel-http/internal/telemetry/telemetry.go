// Package telemetry sets up the OpenTelemetry Go SDK the way most services do: a tracer
// provider with a batching OTLP/HTTP exporter configured by the standard OTEL_* variables
// (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_BSP_SCHEDULE_DELAY, …), W3C trace context propagation,
// and the default sampler (parent-based, always on for roots). It also says which goroutine the
// caller runs on, so that the example can print it next to its span ids.
package telemetry

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

// Setup installs the global tracer provider for service (unless OTEL_SERVICE_NAME names
// another) and returns its shutdown, which flushes what is batched.
func Setup(ctx context.Context, service string) (func(context.Context) error, error) {
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	if name := os.Getenv("OTEL_SERVICE_NAME"); name != "" {
		service = name
	}
	res := resource.NewWithAttributes(semconv.SchemaURL,
		semconv.ServiceName(service), semconv.ProcessPID(os.Getpid()))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	return tp.Shutdown, nil
}

// Goid is the current goroutine's id, read from its stack header ("goroutine 18 [running]:").
// Go has no API for it on purpose; the example prints it only to compare with goroscope.
func Goid() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	if len(f) < 2 {
		return 0
	}
	id, _ := strconv.ParseUint(f[1], 10, 64)
	return id
}
