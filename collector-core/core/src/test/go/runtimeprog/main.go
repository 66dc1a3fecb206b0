// runtimeprog does runtime work whose amount and timing it knows itself, so a test can compare
// what goroscope observes from outside with what the Go program reports about itself:
//
//	runtimeprog stw      runtime.GC and runtime.ReadMemStats a known number of times, with a
//	                     goroutine spinning on another P; prints the runtime's own pause
//	                     accounting (runtime/metrics, debug.ReadGCStats)
//	runtimeprog mutex    goroutines that wait for a sync.Mutex (and an RWMutex) held for a known
//	                     time; prints each wait as the waiter measured it and who held the lock
//	runtimeprog syscall  goroutines blocked in read(2) on pipes, one of them locked to its
//	                     thread; prints how long each read blocked
//	runtimeprog sched    with GOMAXPROCS 1, a goroutine made runnable while the only P spins
//	                     for a known time; prints how long it waited to run
//
// Each waits for a line on stdin before it starts, so the probes can be attached first, and
// prints one JSON object per line.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

var (
	outMu sync.Mutex
	out   = json.NewEncoder(os.Stdout)
)

// mono is CLOCK_MONOTONIC in ns, the clock of the runtime's nanotime and of goroscope's
// records (time.Now's monotonic reading is relative to process start, so not comparable).
// RawSyscall: no entersyscall, so it does not show up as a system call itself.
func mono() int64 {
	var ts syscall.Timespec
	_, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0)
	if errno != 0 {
		panic(errno)
	}
	return ts.Sec*1e9 + ts.Nsec
}

func goid() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _ := strconv.ParseInt(string(bytes.Fields(buf)[1]), 10, 64)
	return id
}

func emit(v map[string]interface{}) {
	outMu.Lock()
	defer outMu.Unlock()
	if err := out.Encode(v); err != nil {
		panic(err)
	}
}

func waitForGo() {
	bufio.NewReader(os.Stdin).ReadString('\n')
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: runtimeprog stw|mutex|syscall|sched")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "stw":
		stw()
	case "mutex":
		mutex()
	case "syscall":
		syscalls()
	case "sched":
		sched()
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}

// ---- stw ----

var spinGoid int64
var spinCount uint64

func spin(started chan<- int64) {
	started <- goid()
	for {
		spinCount++ // never yields: its P stays running until a stop preempts it
	}
}

// histogramCount reads the total count of a runtime/metrics histogram, or -1 if this Go has
// no such metric.
func histogramCounts(names ...string) map[string]int64 {
	known := map[string]bool{}
	for _, d := range metrics.All() {
		known[d.Name] = true
	}
	var samples []metrics.Sample
	for _, n := range names {
		if known[n] {
			samples = append(samples, metrics.Sample{Name: n})
		}
	}
	metrics.Read(samples)
	out := map[string]int64{}
	for _, n := range names {
		out[n] = -1
	}
	for _, s := range samples {
		switch s.Value.Kind() {
		case metrics.KindFloat64Histogram:
			var c uint64
			for _, b := range s.Value.Float64Histogram().Counts {
				c += b
			}
			out[s.Name] = int64(c)
		case metrics.KindUint64:
			out[s.Name] = int64(s.Value.Uint64())
		}
	}
	return out
}

func stw() {
	const gcs, memstats = 4, 3
	debug.SetGCPercent(-1) // only the collections asked for
	runtime.GOMAXPROCS(2)
	started := make(chan int64)
	go spin(started)
	spinGoid = <-started
	names := []string{"/gc/cycles/total:gc-cycles", "/gc/pauses:seconds",
		"/sched/pauses/total/gc:seconds", "/sched/pauses/total/other:seconds"}
	waitForGo()
	before := histogramCounts(names...) // neither reading stops the world
	var ms runtime.MemStats
	var gcWindows, msWindows [][2]int64
	for i := 0; i < gcs; i++ {
		t0 := mono()
		runtime.GC()
		gcWindows = append(gcWindows, [2]int64{t0, mono()})
		if i < memstats {
			t0 = mono()
			runtime.ReadMemStats(&ms)
			msWindows = append(msWindows, [2]int64{t0, mono()})
		}
		time.Sleep(5 * time.Millisecond)
	}
	after := histogramCounts(names...)
	var gc debug.GCStats
	gc.PauseQuantiles = nil
	debug.ReadGCStats(&gc) // no stop either
	pauses := []int64{}
	for i := gcs - 1; i >= 0; i-- { // Pause is newest first: oldest of ours first here
		pauses = append(pauses, int64(gc.Pause[i]))
	}
	delta := map[string]int64{}
	for _, n := range names {
		if before[n] < 0 {
			delta[n] = -1
		} else {
			delta[n] = after[n] - before[n]
		}
	}
	emit(map[string]interface{}{"mode": "stw", "gcCalls": gcs, "readMemStats": memstats,
		"spinGoid": spinGoid, "mainGoid": goid(), "gomaxprocs": runtime.GOMAXPROCS(0),
		"cyclePauseNs": pauses, "metricDeltas": delta, "goVersion": runtime.Version(),
		"gcWindows": gcWindows, "readMemStatsWindows": msWindows})
}

// ---- mutex ----

var mu sync.Mutex
var rw sync.RWMutex

// holdThenRelease: the holder takes the lock, lets n waiters queue up behind it, holds it for
// d, and releases it. Each waiter reports how long Lock took and in which order it got it.
func mutexRound(round, n int, d time.Duration) {
	var wg sync.WaitGroup
	var order, acquired []int64
	var released int64 // the holder's clock just before Unlock (read under mu)
	held := make(chan struct{})
	queued := make(chan struct{}, n)
	holder := make(chan int64)
	go func() {
		mu.Lock()
		holder <- goid()
		close(held)
		for i := 0; i < n; i++ {
			<-queued
		}
		time.Sleep(d) // the waiters are (about to be) blocked in Lock now
		released = mono()
		mu.Unlock()
	}()
	holderGoid := <-holder
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-held
			id := goid()
			queued <- struct{}{}
			_, _, here, _ := runtime.Caller(0) // the Lock call is 2 lines below
			t0 := mono()
			mu.Lock()
			t1 := mono()
			order = append(order, id)
			acquired = append(acquired, t1)
			pred := predecessor(order, holderGoid)
			// the lock was free again no earlier than this: the holder's release, or the
			// moment the previous waiter had it (it let go after that)
			freed := released
			if len(acquired) > 1 {
				freed = acquired[len(acquired)-2]
			}
			rel := released
			mu.Unlock()
			emit(map[string]interface{}{"mode": "mutex", "kind": "mutex", "round": round,
				"goid": id, "lock": fmt.Sprintf("%p", &mu), "startNs": t0, "endNs": t1,
				"holder": holderGoid, "predecessor": pred, "freedNotBeforeNs": freed,
				"holderReleasedNs": rel, "lockLine": here + 2})
		}()
	}
	wg.Wait()
}

func predecessor(order []int64, holder int64) int64 {
	if len(order) < 2 {
		return holder
	}
	return order[len(order)-2]
}

// Readers wait for a writer that holds the RWMutex for d; then a writer waits for a reader.
func rwRound(d time.Duration) {
	writer := make(chan int64)
	held := make(chan struct{})
	release := make(chan struct{})
	var wReleased, rReleased int64 // clock readings before the unlocks, read under rw
	go func() {
		rw.Lock()
		writer <- goid()
		close(held)
		<-release
		time.Sleep(d)
		wReleased = mono()
		rw.Unlock()
	}()
	w := <-writer
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-held
			id := goid()
			_, _, here, _ := runtime.Caller(0) // the Lock call is 2 lines below
			t0 := mono()
			rw.RLock()
			t1 := mono()
			rel := wReleased
			rw.RUnlock()
			emit(map[string]interface{}{"mode": "mutex", "kind": "rwmutex.read", "goid": id,
				"lock": fmt.Sprintf("%p", &rw), "startNs": t0, "endNs": t1, "holder": w,
				"freedNotBeforeNs": rel, "holderReleasedNs": rel, "lockLine": here + 2})
		}()
	}
	time.Sleep(20 * time.Millisecond) // both readers blocked in RLock
	close(release)
	wg.Wait()

	// A reader holds it for d while a writer waits for readers to leave.
	reader := make(chan int64)
	rheld := make(chan struct{})
	go func() {
		rw.RLock()
		reader <- goid()
		close(rheld)
		time.Sleep(d)
		rReleased = mono()
		rw.RUnlock()
	}()
	r := <-reader
	<-rheld
	time.Sleep(time.Millisecond) // d is far longer: the writer still waits for the reader
	done := make(chan struct{})
	go func() {
		id := goid()
		_, _, here, _ := runtime.Caller(0) // the Lock call is 2 lines below
		t0 := mono()
		rw.Lock()
		t1 := mono()
		rel := rReleased
		rw.Unlock()
		emit(map[string]interface{}{"mode": "mutex", "kind": "rwmutex.write", "goid": id,
			"lock": fmt.Sprintf("%p", &rw), "startNs": t0, "endNs": t1, "holder": r,
			"freedNotBeforeNs": rel, "holderReleasedNs": rel, "lockLine": here + 2})
		close(done)
	}()
	<-done
}

func mutex() {
	waitForGo()
	for round := 0; round < 3; round++ {
		mutexRound(round, 3, 40*time.Millisecond)
	}
	rwRound(40 * time.Millisecond)
	emit(map[string]interface{}{"mode": "done"})
}

// ---- syscall ----

// blockedRead reads one byte from a pipe nobody writes to until release: read(2) blocks the
// goroutine and its thread (a pipe from syscall.Pipe is blocking, unlike os.Pipe's).
func blockedRead(locked bool, ready chan<- int64, wfd chan<- int, results chan<- map[string]interface{}) {
	if locked {
		runtime.LockOSThread()
	}
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		panic(err)
	}
	wfd <- fds[1]
	ready <- goid()
	buf := make([]byte, 1)
	_, _, here, _ := runtime.Caller(0) // the Read call is 2 lines below
	t0 := mono()
	n, err := syscall.Read(fds[0], buf)
	t1 := mono()
	if n != 1 || err != nil {
		panic(fmt.Sprint("read: ", n, err))
	}
	results <- map[string]interface{}{"mode": "syscall", "goid": goid(), "locked": locked,
		"startNs": t0, "endNs": t1, "readLine": here + 2}
}

func syscalls() {
	waitForGo()
	ready := make(chan int64)
	wfds := make(chan int)
	results := make(chan map[string]interface{}, 2)
	var writers []int
	var goids []int64
	for _, locked := range []bool{false, true} {
		go blockedRead(locked, ready, wfds, results)
		writers = append(writers, <-wfds)
		goids = append(goids, <-ready)
	}
	// The two reads block now; hold them long enough for a look at the threads (every second).
	emit(map[string]interface{}{"mode": "blocked", "gomaxprocs": runtime.GOMAXPROCS(0),
		"goids": goids})
	time.Sleep(2500 * time.Millisecond)
	for i, fd := range writers {
		// the read cannot return before this: a lower bound on its end that no scheduling
		// delay after the read can blur
		emit(map[string]interface{}{"mode": "written", "goid": goids[i], "writtenNs": mono()})
		if _, err := syscall.Write(fd, []byte{1}); err != nil {
			panic(err)
		}
	}
	for i := 0; i < 2; i++ {
		emit(<-results)
	}
	emit(map[string]interface{}{"mode": "done"})
}

// ---- sched ----

// With one P, B is made runnable by A's send, then A keeps the P busy for spin before it
// blocks: B waits at least spin to run. B reports the send time (A's clock reading just
// before the send) and the time it ran again. Goroutines readied by a send or a timer run
// next and inherit the time slice, so the P's scheduling tick never moves and sysmon would
// preempt A within 10 ms of it first seeing that tick: A yields first, which starts a new
// slice (sysmon then preempts no earlier than 10 ms later, after the spin).
func sched() {
	const rounds = 5
	const spin = 5 * time.Millisecond
	runtime.GOMAXPROCS(1)
	ping := make(chan int64)
	pong := make(chan struct{})
	done := make(chan struct{})
	go func() {
		id := goid()
		for i := 0; i < rounds; i++ {
			sent := <-ping
			resumed := mono()
			emit(map[string]interface{}{"mode": "sched", "goid": id, "round": i,
				"sentNs": sent, "resumedNs": resumed, "spinNs": spin.Nanoseconds()})
			pong <- struct{}{}
		}
		close(done)
	}()
	waitForGo()
	for i := 0; i < rounds; i++ {
		time.Sleep(10 * time.Millisecond) // B is parked in <-ping
		runtime.Gosched()                 // a fresh time slice: see above
		t0 := mono()
		ping <- t0 // B is runnable now, but this goroutine keeps the only P
		for mono()-t0 < spin.Nanoseconds() {
		}
		<-pong
	}
	<-done
	emit(map[string]interface{}{"mode": "done"})
}
