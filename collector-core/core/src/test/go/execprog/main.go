// execprog runs a few goroutines until it reads "exec PATH" on stdin, then replaces itself
// with PATH (same pid, same start time, same stdin and stdout): what a process manager, a
// shell wrapper or a self-upgrading service does. It prints "ready" first.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

func tick(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(time.Millisecond):
		}
	}
}

func main() {
	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		go tick(stop)
	}
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := in.Text()
		if strings.HasPrefix(line, "exec ") {
			path := strings.TrimPrefix(line, "exec ")
			close(stop)
			err := syscall.Exec(path, []string{path}, os.Environ())
			fmt.Fprintln(os.Stderr, "exec:", err)
			os.Exit(1)
		}
	}
}
