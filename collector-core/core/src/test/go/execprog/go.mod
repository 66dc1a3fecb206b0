module goroscope.dev/execprog

go 1.19
