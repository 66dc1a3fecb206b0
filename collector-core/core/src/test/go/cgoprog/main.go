// Command cgoprog links C code, which the external linker places before the Go text: its
// runtime.text is then not the start of .text, the case stripped binaries get wrong when they
// take .text as the base of .gopclntab's entry offsets.
package main

// static int add(int a, int b) { return a + b; }
import "C"

import (
	"fmt"
	"sync"
)

//go:noinline
func work(n int, wg *sync.WaitGroup) {
	defer wg.Done()
	fmt.Println(int(C.add(C.int(n), 1)))
}

func main() {
	var wg sync.WaitGroup
	wg.Add(1)
	go work(1, &wg)
	wg.Wait()
}
