// spawntree builds a known goroutine tree and two contexts with deadlines, printing what it
// did so a test can compare it with what goroscope observed from outside:
//
//	g <goid> parent <parent goid> fn <function>   for every goroutine it starts
//	ctx deadline                                  a WithTimeout whose deadline fires
//	ctx cancel                                    a WithTimeout cancelled before its deadline
//
// It waits for a line on stdin before starting, so the probes can be attached first.
package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
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

func report(parent int64, fn string) {
	mu.Lock()
	fmt.Fprintf(out, "g %d parent %d fn %s\n", goid(), parent, fn)
	mu.Unlock()
}

func level1(parent int64, wg *sync.WaitGroup) {
	defer wg.Done()
	report(parent, "main.level1")
	me := goid()
	var inner sync.WaitGroup
	for i := 0; i < 4; i++ {
		inner.Add(1)
		go level2(me, &inner)
	}
	inner.Wait()
}

func level2(parent int64, wg *sync.WaitGroup) {
	defer wg.Done()
	report(parent, "main.level2")
	me := goid()
	var inner sync.WaitGroup
	for i := 0; i < 5; i++ {
		inner.Add(1)
		go leaf(me, &inner)
	}
	inner.Wait()
}

func leaf(parent int64, wg *sync.WaitGroup) {
	defer wg.Done()
	report(parent, "main.leaf")
	time.Sleep(time.Millisecond)
}

func main() {
	bufio.NewReader(os.Stdin).ReadString('\n')
	me := goid()
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go level1(me, &wg)
	}
	wg.Wait()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	<-ctx.Done()
	cancel()
	fmt.Fprintln(out, "ctx deadline")

	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Hour)
	cancel2()
	<-ctx2.Done()
	fmt.Fprintln(out, "ctx cancel")
	out.Flush()
}
