// Package gotracer starts one of Go's own tracers inside a benchmark program, so the overhead
// benchmark can compare goroscope with what Go offers built in.
package gotracer

import (
	"fmt"
	"io"
	"runtime/trace"
)

// Modes are the values of the programs' -tracer flag.
const Modes = "none, trace (runtime/trace to io.Discard) or flight (runtime/trace.FlightRecorder)"

// Start starts the tracer named by mode and returns the function that stops it.
//
//	none    nothing
//	trace   the execution tracer (runtime/trace.Start) writing to io.Discard: the full cost of
//	        producing the trace, none of storing it
//	flight  the flight recorder (runtime/trace.FlightRecorder, Go 1.25+) with its default
//	        window; nothing is ever written out, as in a service that keeps it armed and
//	        snapshots only on trouble
func Start(mode string) (stop func(), err error) {
	switch mode {
	case "", "none":
		return func() {}, nil
	case "trace":
		if err := trace.Start(io.Discard); err != nil {
			return nil, fmt.Errorf("runtime/trace.Start: %w", err)
		}
		return trace.Stop, nil
	case "flight":
		fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{})
		if err := fr.Start(); err != nil {
			return nil, fmt.Errorf("runtime/trace.FlightRecorder.Start: %w", err)
		}
		return fr.Stop, nil
	default:
		return nil, fmt.Errorf("-tracer %q: use %s", mode, Modes)
	}
}
