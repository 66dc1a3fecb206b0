module goroscope.dev/test/gated

go 1.19
