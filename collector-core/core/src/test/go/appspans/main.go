// appspans starts OpenTelemetry spans (Go SDK) and goroutines under them, and prints what it
// did, so that goroscope's application-span probes can be checked against it: which goroutine
// started and ended which span (ids as the SDK has them), and which span was open on the
// creator of each goroutine. It waits for a line on stdin before it starts (goroscope attaches
// first), then exits 0.
//
// Builds against SDK v1.47.0 (go.mod), v1.38.0 (-modfile=go.v1.38.mod) and v1.16.0
// (-modfile=go.v1.16.mod).
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// dropSampler drops spans whose name starts with "drop" (a nonRecordingSpan) and samples the rest.
type dropSampler struct{}

func (dropSampler) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	if strings.HasPrefix(p.Name, "drop") {
		return sdktrace.SamplingResult{Decision: sdktrace.Drop}
	}
	return sdktrace.SamplingResult{Decision: sdktrace.RecordAndSample}
}

func (dropSampler) Description() string { return "dropSampler" }

var out sync.Mutex

func say(format string, args ...interface{}) {
	out.Lock()
	defer out.Unlock()
	fmt.Printf(format+"\n", args...)
}

// goid reads the current goroutine's id from its stack header ("goroutine 18 [running]:").
func goid() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	id, _ := strconv.ParseUint(f[1], 10, 64)
	return id
}

func started(name string, s trace.Span) {
	sc := s.SpanContext()
	say("span %s trace=%s span=%s sampled=%t goid=%d", name, sc.TraceID(), sc.SpanID(),
		sc.IsSampled(), goid())
}

func ended(name string, s trace.Span) {
	say("end %s span=%s goid=%d", name, s.SpanContext().SpanID(), goid())
	s.End()
}

// child runs as its own goroutine; under is the span that was open on its creator ("none").
func child(name, under string, wg *sync.WaitGroup) {
	defer wg.Done()
	say("child %s goid=%d under=%s", name, goid(), under)
}

func main() {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(dropSampler{}))
	tr := tp.Tracer("appspans")
	bufio.NewReader(os.Stdin).ReadString('\n')
	var wg sync.WaitGroup
	spawn := func(name, under string) {
		wg.Add(1)
		go child(name, under, &wg)
		wg.Wait() // one at a time: every creation is ordered with the span events around it
	}

	// Nested spans on one goroutine: children fall under the innermost open span.
	ctx, outer := tr.Start(context.Background(), "outer")
	started("outer", outer)
	_, inner := tr.Start(ctx, "inner")
	started("inner", inner)
	spawn("in-inner", inner.SpanContext().SpanID().String())
	ended("inner", inner)
	spawn("in-outer", outer.SpanContext().SpanID().String())
	ended("outer", outer)
	spawn("in-none", "none")

	// A span ended on another goroutine: once it ended, it covers nothing any more.
	_, handoff := tr.Start(context.Background(), "handoff")
	started("handoff", handoff)
	done := make(chan struct{})
	go func() {
		ended("handoff", handoff)
		close(done)
	}()
	<-done
	spawn("after-handoff", "none")

	// A span that outlives the goroutine that started it, ended here.
	orphans := make(chan trace.Span)
	go func() {
		_, s := tr.Start(context.Background(), "orphan")
		started("orphan", s)
		orphans <- s
	}()
	orphan := <-orphans
	ended("orphan", orphan)

	// An unsampled span (the sampler drops it: a nonRecordingSpan) still covers its children.
	_, dropped := tr.Start(context.Background(), "drop-me")
	started("drop-me", dropped)
	spawn("in-dropped", dropped.SpanContext().SpanID().String())
	ended("drop-me", dropped)

	_ = tp.Shutdown(context.Background())
	say("done")
}
