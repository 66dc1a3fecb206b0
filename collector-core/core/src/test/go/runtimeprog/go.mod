module goroscope.dev/runtimeprog

go 1.19
