// chanops does a known sequence of channel operations and prints each one just before it does
// it, so a test can compare them with the channel events goroscope observes from outside:
//
//	op <send|receive|receive-ok> goid <goid> chan <address> cap <cap> len <len>
//
// It waits for a line on stdin before starting, so the probes can be attached first.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

var (
	mu  sync.Mutex
	out = bufio.NewWriter(os.Stdout)
)

func goid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _ := strconv.ParseInt(string(bytes.Fields(buf)[1]), 10, 64)
	return id
}

func op(kind string, ch chan int) {
	mu.Lock()
	fmt.Fprintf(out, "op %s goid %d chan %p cap %d len %d\n", kind, goid(), ch, cap(ch), len(ch))
	mu.Unlock()
}

func main() {
	bufio.NewReader(os.Stdin).ReadString('\n')
	buffered := make(chan int, 4)
	unbuffered := make(chan int)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // sender
		defer wg.Done()
		for i := 0; i < 3; i++ {
			op("send", buffered)
			buffered <- i
		}
		op("send", unbuffered)
		unbuffered <- 42
	}()
	go func() { // receiver
		defer wg.Done()
		op("receive", unbuffered)
		<-unbuffered
		for i := 0; i < 2; i++ {
			op("receive", buffered)
			<-buffered
		}
		op("receive-ok", buffered)
		if _, ok := <-buffered; !ok {
			os.Exit(1)
		}
		close(done)
	}()
	wg.Wait()
	<-done
	out.Flush()
}
