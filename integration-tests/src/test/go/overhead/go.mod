module goroscope.dev/test/overhead

// go 1.25: runtime/trace.FlightRecorder. Standard library only.
go 1.25
