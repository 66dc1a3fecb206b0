// Command loadgen sends a fixed number of requests to the http-deadline
// example and exits: 0 when every answer was the expected one, 1 otherwise.
// Every -leaky-every'th request goes to /leaky, every -slow-every'th to
// /slow, the rest to /ok. It first waits up to -wait for the server to accept
// connections, so it can be started right after the server.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "base URL of the http-deadline server")
	requests := flag.Int("requests", 100, "requests to send in total")
	concurrency := flag.Int("concurrency", 4, "requests in flight at once")
	leakyEvery := flag.Int("leaky-every", 10, "send every n-th request to /leaky (0 = never)")
	slowEvery := flag.Int("slow-every", 0, "send every n-th request to /slow (0 = never)")
	pause := flag.Duration("pause", 0, "pause between the requests of one client")
	wait := flag.Duration("wait", 10*time.Second, "wait this long at most for the server to accept connections")
	flag.Parse()
	if *requests < 0 || *concurrency < 1 {
		fmt.Fprintln(os.Stderr, "loadgen: -requests must be >= 0 and -concurrency >= 1")
		os.Exit(2)
	}

	if err := awaitServer(*url, *wait); err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		os.Exit(1)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var next, ok, leaky, slow, failed atomic.Int64
	var wg sync.WaitGroup
	for c := 0; c < *concurrency; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1))
				if n > *requests {
					return
				}
				path, want, counter := "/ok", http.StatusOK, &ok
				switch {
				case *leakyEvery > 0 && n%*leakyEvery == 0:
					path, want, counter = "/leaky", http.StatusGatewayTimeout, &leaky
				case *slowEvery > 0 && n%*slowEvery == 0:
					path, want, counter = "/slow", http.StatusGatewayTimeout, &slow
				}
				if err := get(client, fmt.Sprintf("%s%s?key=k%d", *url, path, n), want); err != nil {
					failed.Add(1)
					fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
				} else {
					counter.Add(1)
				}
				if *pause > 0 {
					time.Sleep(*pause)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("done ok=%d leaky=%d slow=%d failed=%d\n", ok.Load(), leaky.Load(), slow.Load(), failed.Load())
	if failed.Load() > 0 {
		os.Exit(1)
	}
}

// awaitServer returns once the server of rawURL accepts a TCP connection, or fails after wait.
func awaitServer(rawURL string, wait time.Duration) error {
	u, err := neturl.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("-url %s: %v", rawURL, err)
	}
	deadline := time.Now().Add(wait)
	for {
		conn, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err == nil {
			return conn.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no server at %s after %v: %v", u.Host, wait, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(client *http.Client, url string, want int) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("GET %s: read body: %v", url, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("GET %s: status %d, want %d", url, resp.StatusCode, want)
	}
	return nil
}
