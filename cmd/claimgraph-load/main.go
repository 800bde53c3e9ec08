package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// mix is the read mix: what an analyst's session asks most.
var mix = []struct {
	name  string
	query string
}{
	{"entity", `{ entity(id:"india") { name type aliases } }`},
	{"relations", `{ entity(id:"ttp") { relations { type status from { id name } to { id name } claims { stance claimant { name } quote } } } }`},
	{"two-hop", `{ entity(id:"afghanistan") { relations { to { name relations { type status to { name } } } } } }`},
	{"search", `{ entities(search:"tali", first: 10) { nodes { id name } } }`},
	{"paths", `{ paths(from:"india", to:"afghan-taliban", k: 3) { length hops { explanation } } }`},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "claimgraph-load:", err)
		os.Exit(1)
	}
}

type config struct {
	url      string
	clients  int
	duration time.Duration
	requests int
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("claimgraph-load", flag.ContinueOnError)
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint of a claimgraph serve on this machine")
	fs.IntVar(&cfg.clients, "clients", 50, "concurrent clients")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long to run (at most 10m)")
	fs.IntVar(&cfg.requests, "requests", 1_000_000, "stop after this many requests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkLoopback(cfg.url); err != nil {
		return err
	}
	if cfg.clients < 1 || cfg.duration <= 0 || cfg.duration > 10*time.Minute || cfg.requests < 1 {
		return errors.New("want --clients ≥ 1, 0 < --duration ≤ 10m and --requests ≥ 1")
	}
	res, err := load(ctx, cfg)
	if err != nil {
		return err
	}
	res.print(stdout, cfg)
	if res.failed > 0 {
		return fmt.Errorf("%d of %d requests failed; first: %s", res.failed, res.total(), res.firstError)
	}
	return nil
}

// checkLoopback refuses any target but this machine.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s is not a loopback address: claimgraph-load only targets this machine", host)
}

type result struct {
	mu         sync.Mutex
	latencies  map[string][]time.Duration
	failed     int
	firstError string
	elapsed    time.Duration
}

func (r *result) total() int {
	n := r.failed
	for _, l := range r.latencies {
		n += len(l)
	}
	return n
}

func load(ctx context.Context, cfg config) (*result, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: cfg.clients, MaxConnsPerHost: cfg.clients},
	}
	bodies := make([][]byte, len(mix))
	for i, m := range mix {
		bodies[i], _ = json.Marshal(map[string]string{"query": m.query})
	}
	res := &result{latencies: map[string][]time.Duration{}}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := next.Add(1)
				if n > int64(cfg.requests) {
					return
				}
				i := int(n) % len(mix)
				d, err := do(ctx, client, cfg.url, bodies[i])
				if ctx.Err() != nil {
					return // the run ended mid-request: not a failure of the server
				}
				res.mu.Lock()
				if err != nil {
					res.failed++
					if res.firstError == "" {
						res.firstError = err.Error()
					}
				} else {
					res.latencies[mix[i].name] = append(res.latencies[mix[i].name], d)
				}
				res.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, nil
}

func do(ctx context.Context, client *http.Client, u string, body []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	err = json.NewDecoder(resp.Body).Decode(&r)
	d := time.Since(start)
	switch {
	case err != nil:
		return d, fmt.Errorf("decode: %w", err)
	case resp.StatusCode != http.StatusOK:
		return d, fmt.Errorf("status %s", resp.Status)
	case len(r.Errors) > 0:
		return d, fmt.Errorf("GraphQL errors: %s", r.Errors[0])
	case len(r.Data) == 0 || string(r.Data) == "null":
		return d, errors.New("no data")
	}
	return d, nil
}

func (r *result) print(w io.Writer, cfg config) {
	var all []time.Duration
	fmt.Fprintf(w, "%d clients, %s: %d requests, %d failed, %.0f requests/s\n",
		cfg.clients, r.elapsed.Round(time.Millisecond), r.total(), r.failed, float64(r.total())/r.elapsed.Seconds())
	fmt.Fprintf(w, "%-10s %8s %9s %9s %9s %9s\n", "query", "count", "p50", "p90", "p99", "max")
	for _, m := range mix {
		l := r.latencies[m.name]
		all = append(all, l...)
		printRow(w, m.name, l)
	}
	printRow(w, "all", all)
}

func printRow(w io.Writer, name string, l []time.Duration) {
	slices.Sort(l)
	pct := func(p float64) time.Duration {
		if len(l) == 0 {
			return 0
		}
		return l[min(len(l)-1, int(p*float64(len(l))))]
	}
	var maxD time.Duration
	if len(l) > 0 {
		maxD = l[len(l)-1]
	}
	fmt.Fprintf(w, "%-10s %8d %9s %9s %9s %9s\n", name, len(l), ms(pct(.5)), ms(pct(.9)), ms(pct(.99)), ms(maxD))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
