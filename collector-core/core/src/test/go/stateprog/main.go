// stateprog parks goroutines in known states so that a test can compare what goroscope reads
// from its memory with the program's own view. It prints the addresses of its channels and
// locks, then "ready"; each "dump" line on stdin prints runtime.Stack(buf, true) between
// BEGIN and END; "recv1" sends one value to the receivers of unbuf and "take" receives one
// job from full (waking one sender), each answered by "done"; end of input exits.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
)

type job struct {
	id   int
	name string
}

var (
	full    = make(chan job, 3) // full: senders queue up
	unbuf   = make(chan int)    // nobody sends: receivers queue up
	selA    = make(chan string)
	selB    = make(chan []byte, 1)
	never   = make(chan struct{})
	release = make(chan struct{})

	mu   sync.Mutex
	rw   sync.RWMutex
	wg   sync.WaitGroup
	cond = sync.Cond{L: &sync.Mutex{}}

	spins uint64
)

func sender(i int) {
	full <- job{id: i, name: "queued"}
}

func receiver() int {
	return <-unbuf
}

func selector() {
	selB <- nil // fills selB: the select's send case cannot proceed
	select {
	case s := <-selA:
		fmt.Println(s)
	case selB <- []byte("x"):
	}
}

// holder takes mu and rw (for reading) and keeps them while blocked on release.
func holder(locked chan<- struct{}) {
	mu.Lock()
	rw.RLock()
	locked <- struct{}{}
	<-release
	rw.RUnlock()
	mu.Unlock()
}

func mutexWaiter() {
	mu.Lock()
	mu.Unlock()
}

func rwWriter() {
	rw.Lock()
	rw.Unlock()
}

func wgWaiter() {
	wg.Wait()
}

func condWaiter() {
	cond.L.Lock()
	cond.Wait()
	cond.L.Unlock()
}

func pipeReader(fd int) {
	buf := make([]byte, 16)
	syscall.Read(fd, buf) // a blocking read system call: nobody writes
}

func sleeper() {
	time.Sleep(time.Hour)
}

//go:noinline
func work(x uint64) uint64 {
	return x*6364136223846793005 + 1442695040888963407
}

func spinner() {
	for {
		spins = work(spins)
	}
}

func lockedWaiter() {
	runtime.LockOSThread()
	<-never
}

// recvInlined is small enough to be inlined into its caller.
func recvInlined(ch chan struct{}) {
	<-ch
}

func inliner() {
	recvInlined(never)
}

func waitGeneric[T any](ch chan T) T {
	return <-ch
}

// spawner creates goroutines of its own, so they have a parent other than main.
func spawner(done chan<- struct{}) {
	for i := 0; i < 2; i++ {
		go receiver()
	}
	done <- struct{}{}
	<-never
}

func main() {
	for i := 0; i < cap(full); i++ {
		full <- job{id: -i}
	}
	for i := 0; i < 4; i++ {
		go sender(i)
	}
	go receiver()
	go receiver()
	go selector()
	locked := make(chan struct{})
	go holder(locked)
	<-locked
	go mutexWaiter()
	go mutexWaiter()
	go rwWriter()
	wg.Add(1)
	go wgWaiter()
	go wgWaiter()
	go condWaiter()
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		panic(err)
	}
	go pipeReader(fds[0])
	go sleeper()
	go spinner()
	go lockedWaiter()
	go inliner()
	go waitGeneric(make(chan int))
	done := make(chan struct{})
	go spawner(done)
	<-done

	fmt.Printf("addr full %p\n", full)
	fmt.Printf("addr unbuf %p\n", unbuf)
	fmt.Printf("addr selA %p\n", selA)
	fmt.Printf("addr selB %p\n", selB)
	fmt.Printf("addr mu %p\n", &mu)
	fmt.Printf("addr rw %p\n", &rw)
	fmt.Printf("addr wg %p\n", &wg)
	fmt.Printf("addr cond %p\n", &cond)
	// let every goroutine reach its blocking point
	time.Sleep(300 * time.Millisecond)
	fmt.Println("ready")

	in := bufio.NewScanner(os.Stdin)
	buf := make([]byte, 1<<20)
	for in.Scan() {
		switch in.Text() {
		case "dump":
			n := runtime.Stack(buf, true)
			fmt.Printf("BEGIN\n%s\nEND\n", buf[:n])
		case "recv1":
			unbuf <- 1
			fmt.Println("done")
		case "take":
			<-full
			fmt.Println("done")
		}
	}
}
