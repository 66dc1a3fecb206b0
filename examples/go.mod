module goroscope.dev/examples

// go 1.19 so that every Go from 1.19 to 1.27 builds the same source
// (goroscope's tests build every example with each of them).
go 1.19
