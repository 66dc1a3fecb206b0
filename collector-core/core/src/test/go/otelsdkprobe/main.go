// otelsdkprobe links the OpenTelemetry Go SDK's span types, so that their layout is in its
// DWARF: SdkOffsetTableGenerator builds it against every SDK release (go get …@vX first) and
// reads recordingSpan, nonRecordingSpan and trace.SpanContext from each build.
package main

import (
	"context"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func main() {
	for _, sampler := range []sdktrace.Sampler{sdktrace.AlwaysSample(), sdktrace.NeverSample()} {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler))
		_, span := tp.Tracer("otelsdkprobe").Start(context.Background(), "probe")
		fmt.Println(span.SpanContext().SpanID(), span.IsRecording())
		span.End()
		_ = tp.Shutdown(context.Background())
	}
}
