module goroscope.dev/examples

// go 1.19 so that Go 1.19, 1.26 and 1.27 all build the same source
// (goroscope's tests build every example with each of them).
go 1.19
