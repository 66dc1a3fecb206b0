module goroscope.dev/test/goroutines

go 1.19
