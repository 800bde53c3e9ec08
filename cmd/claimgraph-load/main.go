package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// query is one kind of request of a mix.
type query struct {
	name  string
	query string
}

// seedMix is the read mix on the built-in seed: what an analyst's session
// asks most.
var seedMix = []query{
	{"entity", `{ entity(id:"india") { name type aliases } }`},
	{"relations", `{ entity(id:"ttp") { relations { type status from { id name } to { id name } claims { stance claimant { name } quote } } } }`},
	{"two-hop", `{ entity(id:"afghanistan") { relations { to { name relations { type status to { name } } } } } }`},
	{"search", `{ entities(search:"tali", first: 10) { nodes { id name } } }`},
	{"paths", `{ paths(from:"india", to:"afghan-taliban", k: 3) { length hops { explanation } } }`},
}

// movieTwoHop is the query of the movie mix, asked for one person after
// another: the person, the films at the ends of their relations and
// everyone at both ends of those films' relations.
const movieTwoHop = `query($id: ID!) { entity(id: $id) { name relations { type status to { id name relations { type status from { name } to { name } } } } } }`

// The heavy mix asks the movie data what costs a server most: k=10 paths
// between two people, two-hop neighbourhoods, short searches and the
// two-hop query, in turn.
const (
	moviePathsK10    = `query($a: ID!, $b: ID!) { paths(from: $a, to: $b, k: 10, types: ["acted-in"]) { length hops { from { id } to { id } relation { status } } } }`
	movieNeighbors   = `query($id: ID!) { neighborhood(id: $id, depth: 2) { nodes { depth entity { id name } } hops { relation { type status } } } }`
	movieShortSearch = `query($s: String!) { entities(search: $s, first: 20) { nodes { id name aliases } } }`
)

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
	mix      string
	people   int
}

// request is one request body of a run, named for the report.
type request struct {
	name string
	body []byte
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg config
	var fcfg feedConfig
	var feedMode bool
	fs := flag.NewFlagSet("claimgraph-load", flag.ContinueOnError)
	fs.BoolVar(&feedMode, "feed", false, "measure the change feed instead of reads: --subscribers WebSockets subscribe to claimAdded while --rate statements a second are written for --duration")
	fs.IntVar(&fcfg.subscribers, "subscribers", 1000, "with --feed: subscriptions, one WebSocket each (0: the writes alone)")
	fs.IntVar(&fcfg.rate, "rate", 200, "with --feed: statements written a second")
	fs.IntVar(&fcfg.writers, "writers", 8, "with --feed: concurrent writers")
	fs.StringVar(&fcfg.token, "token", "", "with --feed: an editor's bearer token, for the writes")
	fs.DurationVar(&fcfg.drain, "drain", time.Minute, "with --feed: how long the subscribers may go on receiving after the last write")
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint of a claimgraph serve on this machine")
	fs.IntVar(&cfg.clients, "clients", 50, "concurrent clients")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long to run (at most 10m)")
	fs.IntVar(&cfg.requests, "requests", 1_000_000, "stop after this many requests")
	fs.IntVar(&cfg.people, "people", 200, "how many people the movies mix asks about (at most 2000)")
	fs.StringVar(&cfg.mix, "mix", "seed", "what to ask: seed (the built-in seed's read mix), movies (two-hop queries on people of the movie data) or heavy (k=10 paths, neighbourhoods, searches and two-hops on the movie data)")
	var ccfg curveConfig
	var curve string
	fs.StringVar(&curve, "curve", "", "measure the scale curve instead: for each `SIZES` (comma-separated, e.g. 1,4,10) the movie data replicated that many times is imported, served and queried (see the README, \"The curve\"); --clients and --duration apply to its two-hop load")
	fs.StringVar(&ccfg.claimgraph, "claimgraph", "", "with --curve: the claimgraph binary (default: built from ./cmd/claimgraph)")
	fs.StringVar(&ccfg.data, "data", "", "with --curve: the movie data (default: Cayley's data/30kmoviedata.nq.gz in the module cache)")
	fs.StringVar(&ccfg.mapping, "mapping", "seed/examples/movie-mapping.yaml", "with --curve: the ontology mapping of the movie data")
	fs.StringVar(&ccfg.dir, "work-dir", "", "with --curve: where the data and stores are written, each removed after its size (default: a new temporary folder)")
	fs.IntVar(&ccfg.pairs, "pairs", 100, "with --curve: actor pairs asked for paths")
	var cpuProfile string
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write the load generator's own CPU profile to this `file` (go tool pprof reads it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	if curve != "" {
		for _, f := range strings.Split(curve, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > 100 {
				return fmt.Errorf("--curve %q: want sizes between 1 and 100, comma-separated", curve)
			}
			ccfg.scales = append(ccfg.scales, n)
		}
		if cfg.clients < 1 || cfg.duration <= 0 || ccfg.pairs < 1 {
			return errors.New("want --clients ≥ 1, --duration > 0 and --pairs ≥ 1")
		}
		ccfg.clients, ccfg.duration = cfg.clients, cfg.duration
		return runCurve(ctx, ccfg, stdout, os.Stderr)
	}
	if feedMode {
		fcfg.url, fcfg.duration = cfg.url, cfg.duration
		return runFeed(ctx, fcfg, stdout)
	}
	if err := checkLoopback(cfg.url); err != nil {
		return err
	}
	if cfg.clients < 1 || cfg.duration <= 0 || cfg.duration > 10*time.Minute || cfg.requests < 1 || cfg.people < 1 || cfg.people > 2000 {
		return errors.New("want --clients ≥ 1, 0 < --duration ≤ 10m, --requests ≥ 1 and 1 ≤ --people ≤ 2000")
	}
	reqs, err := requests(ctx, cfg)
	if err != nil {
		return err
	}
	res, err := load(ctx, cfg, reqs)
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
	// refused counts the answers of each kind that refused the request
	// for a limit (they have latencies too).
	refused      map[string]int
	firstRefusal string
	mem          memory
}

// memory is what the server's /metrics said of its memory during a run.
type memory struct {
	samples            int
	peakRSS, lastRSS   float64
	peakHeap, lastHeap float64
}

// sampleMemory reads the server's resident memory and heap in use from
// its /metrics twice a second until ctx ends.
func sampleMemory(ctx context.Context, graphqlURL string) memory {
	u, err := url.Parse(graphqlURL)
	if err != nil {
		return memory{}
	}
	u.Path, u.RawQuery = "/metrics", ""
	var m memory
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		if rss, heap, ok := readMemory(ctx, u.String()); ok {
			m.samples++
			m.lastRSS, m.lastHeap = rss, heap
			m.peakRSS, m.peakHeap = max(m.peakRSS, rss), max(m.peakHeap, heap)
		}
		select {
		case <-ctx.Done():
			return m
		case <-tick.C:
		}
	}
}

// readMemory reads process_resident_memory_bytes and
// go_memstats_heap_inuse_bytes from a Prometheus text page.
func readMemory(ctx context.Context, u string) (rss, heap float64, ok bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return 0, 0, false
	}
	var found int
	for _, line := range strings.Split(string(body), "\n") {
		name, value, _ := strings.Cut(line, " ")
		var into *float64
		switch name {
		case "process_resident_memory_bytes":
			into = &rss
		case "go_memstats_heap_inuse_bytes":
			into = &heap
		default:
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(value), 64); err == nil {
			*into = v
			found++
		}
	}
	return rss, heap, found == 2
}

func (r *result) total() int {
	n := r.failed
	for _, l := range r.latencies {
		n += len(l)
	}
	return n
}

// requests returns the request bodies of cfg.mix.
func requests(ctx context.Context, cfg config) ([]request, error) {
	switch cfg.mix {
	case "seed":
		var out []request
		for _, q := range seedMix {
			body, _ := json.Marshal(map[string]string{"query": q.query})
			out = append(out, request{q.name, body})
		}
		return out, nil
	case "movies":
		people, err := findPeople(ctx, cfg.url, cfg.people)
		if err != nil {
			return nil, err
		}
		var out []request
		for _, id := range people {
			body, _ := json.Marshal(map[string]any{"query": movieTwoHop, "variables": map[string]string{"id": id}})
			out = append(out, request{"two-hop", body})
		}
		return out, nil
	case "heavy":
		people, err := findPeople(ctx, cfg.url, cfg.people)
		if err != nil {
			return nil, err
		}
		var out []request
		add := func(name, q string, vars map[string]string) {
			body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
			out = append(out, request{name, body})
		}
		for i, id := range people {
			other := people[(i*7+3)%len(people)]
			add("paths-k10", moviePathsK10, map[string]string{"a": id, "b": other})
			add("neighbors", movieNeighbors, map[string]string{"id": id})
			add("search", movieShortSearch, map[string]string{"s": id[:min(2+i%2, len(id))]})
			add("two-hop", movieTwoHop, map[string]string{"id": id})
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown --mix %q: want seed, movies or heavy", cfg.mix)
}

// findPeople returns n people of the served graph, picked with a fixed
// seed among the first 20 pages of people.
func findPeople(ctx context.Context, u string, n int) ([]string, error) {
	var all []string
	var after any // null: the first page
	for range 20 {
		body, _ := json.Marshal(map[string]any{
			"query":     `query($after: String) { entities(type: Person, first: 100, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }`,
			"variables": map[string]any{"after": after},
		})
		var page struct {
			Entities struct {
				Nodes []struct {
					ID string `json:"id"`
				} `json:"nodes"`
				PageInfo struct {
					EndCursor   string `json:"endCursor"`
					HasNextPage bool   `json:"hasNextPage"`
				} `json:"pageInfo"`
			} `json:"entities"`
		}
		if _, err := do(ctx, http.DefaultClient, u, body, new(bytes.Buffer), true, &page); err != nil {
			return nil, fmt.Errorf("list people: %w", err)
		}
		for _, e := range page.Entities.Nodes {
			all = append(all, e.ID)
		}
		if !page.Entities.PageInfo.HasNextPage {
			break
		}
		after = page.Entities.PageInfo.EndCursor
	}
	if len(all) == 0 {
		return nil, errors.New("the served graph has no entities of type Person: load the movie data (README, \"N-Quads\")")
	}
	rng := rand.New(rand.NewPCG(4, 2026))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all[:min(n, len(all))], nil
}

func load(ctx context.Context, cfg config, reqs []request) (*result, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: cfg.clients, MaxConnsPerHost: cfg.clients},
	}
	res := &result{latencies: map[string][]time.Duration{}, refused: map[string]int{}}
	memDone := make(chan struct{})
	go func() {
		defer close(memDone)
		res.mem = sampleMemory(ctx, cfg.url)
	}()
	defer func() { cancel(); <-memDone }()
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for i := 0; ctx.Err() == nil; i++ {
				n := next.Add(1)
				if n > int64(cfg.requests) {
					return
				}
				r := reqs[int(n)%len(reqs)]
				d, err := do(ctx, client, cfg.url, r.body, &buf, i%fullCheck == 0, nil)
				if ctx.Err() != nil {
					return // the run ended mid-request: not a failure of the server
				}
				res.mu.Lock()
				var refused refusal
				if errors.As(err, &refused) {
					res.refused[r.name]++
					if res.firstRefusal == "" {
						res.firstRefusal = refused.msg
					}
					err = nil
				}
				if err != nil {
					res.failed++
					if res.firstError == "" {
						res.firstError = err.Error()
					}
				} else {
					res.latencies[r.name] = append(res.latencies[r.name], d)
				}
				res.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	cancel()
	<-memDone
	return res, nil
}

// fullCheck is how often (every n-th request of a client) a response is
// decoded in full; the others get a cheap check, so that the generator,
// on the same machine, leaves the CPU to the server.
const fullCheck = 50

// do posts body to u, reads the answer into buf and checks it: status
// 200, a data key, no errors key. It decodes the answer in full when full
// is set or data is not nil, into data then. The duration ends when the
// answer has been read.
func do(ctx context.Context, client *http.Client, u string, body []byte, buf *bytes.Buffer, full bool, data any) (time.Duration, error) {
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
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	switch {
	case err != nil:
		return d, fmt.Errorf("read: %w", err)
	case resp.StatusCode != http.StatusOK:
		return d, fmt.Errorf("status %s: %.200s", resp.Status, buf.Bytes())
	case !full && data == nil:
		// A key "errors" cannot hide in a string: its quotes would be
		// escaped.
		b := buf.Bytes()
		if bytes.HasPrefix(b, []byte(`{"data":`)) && !bytes.Contains(b, []byte(`"errors":`)) {
			return d, nil
		}
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	switch err := json.Unmarshal(buf.Bytes(), &r); {
	case err != nil:
		return d, fmt.Errorf("decode: %w", err)
	case len(r.Errors) > 0:
		for _, e := range r.Errors {
			if e.Extensions.Code != "BAD_USER_INPUT" {
				return d, fmt.Errorf("GraphQL error %s: %.200s", e.Extensions.Code, e.Message)
			}
		}
		return d, refusal{r.Errors[0].Message}
	case len(r.Data) == 0 || string(r.Data) == "null":
		return d, errors.New("no data")
	case data != nil:
		return d, json.Unmarshal(r.Data, data)
	}
	return d, nil
}

// refusal is an answer that refuses the request as too large for a limit
// of the server (BAD_USER_INPUT): the server's answer, not its failure.
type refusal struct{ msg string }

func (r refusal) Error() string { return "refused: " + r.msg }

func (r *result) print(w io.Writer, cfg config) {
	if cfg.mix == "movies" {
		fmt.Fprintf(w, "mix movies, %d people\n", cfg.people)
	} else {
		fmt.Fprintf(w, "mix %s\n", cfg.mix)
	}
	var all []time.Duration
	fmt.Fprintf(w, "%d clients, %s: %d requests, %d failed, %.0f requests/s\n",
		cfg.clients, r.elapsed.Round(time.Millisecond), r.total(), r.failed, float64(r.total())/r.elapsed.Seconds())
	fmt.Fprintf(w, "%-10s %8s %9s %9s %9s %9s\n", "query", "count", "p50", "p90", "p99", "max")
	for _, name := range slices.Sorted(maps.Keys(r.latencies)) {
		l := r.latencies[name]
		all = append(all, l...)
		printRow(w, name, l)
	}
	printRow(w, "all", all)
	for _, name := range slices.Sorted(maps.Keys(r.refused)) {
		fmt.Fprintf(w, "refused for a limit: %d %s (first: %.160s)\n", r.refused[name], name, r.firstRefusal)
	}
	if m := r.mem; m.samples > 0 {
		fmt.Fprintf(w, "server memory (%d samples of /metrics): RSS peak %.0f MiB, at the end %.0f MiB; heap in use peak %.0f MiB, at the end %.0f MiB\n",
			m.samples, m.peakRSS/(1<<20), m.lastRSS/(1<<20), m.peakHeap/(1<<20), m.lastHeap/(1<<20))
	}
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
