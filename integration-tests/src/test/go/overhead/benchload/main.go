// Command benchload is the load generator of goroscope's overhead benchmark: -clients
// concurrent clients, each with its own keep-alive connection, send -requests GET requests in
// total to http://127.0.0.1:<port>/ and it prints one line:
//
//	requests=<n> errors=<n> seconds=<wall> rps=<requests per second> p50_us=<..> p90_us=<..> p99_us=<..>
//
// Requests are handed out one at a time from a shared counter, so the clients finish together.
// It exits 1 when any request failed (the line is printed anyway).
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	port := flag.Int("port", 0, "port of the benchhttp server on 127.0.0.1")
	clients := flag.Int("clients", 8, "concurrent clients (one keep-alive connection each)")
	requests := flag.Int("requests", 20000, "requests in total")
	flag.Parse()
	if *port <= 0 || *clients <= 0 || *requests <= 0 {
		fmt.Fprintln(os.Stderr, "benchload: -port, -clients and -requests must be positive")
		os.Exit(2)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/", *port)
	transport := &http.Transport{
		MaxIdleConns:        *clients,
		MaxIdleConnsPerHost: *clients,
		MaxConnsPerHost:     *clients,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	var next, failed atomic.Int64
	latencies := make([][]time.Duration, *clients)
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := make([]time.Duration, 0, *requests / *clients + 1)
			for next.Add(1) <= int64(*requests) {
				t := time.Now()
				if err := get(client, url); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				own = append(own, time.Since(t))
			}
			latencies[c] = own
		}()
	}
	wg.Wait()
	wall := time.Since(start)

	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	fmt.Printf("requests=%d errors=%d seconds=%.6f rps=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f\n",
		*requests, failed.Load(), wall.Seconds(), float64(*requests)/wall.Seconds(),
		percentile(all, 0.50), percentile(all, 0.90), percentile(all, 0.99))
	if failed.Load() > 0 {
		fmt.Fprintf(os.Stderr, "benchload: %d requests failed, e.g. %v\n", failed.Load(), firstErr.Load())
		os.Exit(1)
	}
}

func get(client *http.Client, url string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil { // read to the end: keeps the connection
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}

// percentile of sorted latencies in microseconds (nearest rank); 0 when there are none.
func percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i].Nanoseconds()) / 1e3
}
