package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The feed mode (--feed) measures the change feed: it opens subscribers
// WebSockets, each with one claimAdded subscription, then writes rate
// statements a second for duration through the API (addStatement, one
// claim each, from a few concurrent writers), and checks that every
// subscriber received every event of those writes, in order. It reports
// the writes' rate and latency, the events delivered a second, the
// latency from each event's timestamp (taken under the store's write lock,
// before the commit) to its receipt, and the server's memory before the
// subscribers connect, once they have, and at the end.

// feedConfig is the configuration of the feed mode.
type feedConfig struct {
	url         string
	token       string
	subscribers int
	rate        int
	duration    time.Duration
	writers     int
	drain       time.Duration
}

// loadPairs are pairs of the built-in seed that a statement may join: each
// write adds a statement of its own, with one claim.
var loadPairs = [][3]string{
	{"pakistan", "warned", "social-media-platforms"},
	{"talal-chaudhry", "warned", "social-media-platforms"},
	{"x-accounts-india", "operating-from", "india"},
	{"x-accounts-afghanistan", "operating-from", "afghanistan"},
	{"x-accounts-india", "active-on", "x"},
	{"x-accounts-afghanistan", "active-on", "x"},
	{"x-accounts-afghanistan", "linked-to", "afghan-taliban"},
	{"india", "accused-of-backing", "bla"},
	{"india", "accused-of-backing", "ttp"},
	{"afghanistan", "accused-of-backing", "bla"},
	{"afghanistan", "accused-of-backing", "ttp"},
}

// feedSubscription is what every subscriber subscribes to.
const feedSubscription = `subscription($after: ID) { claimAdded(after: $after) { id at } }`

// subscriber is one WebSocket with one subscription, and what it got.
type subscriber struct {
	conn     *feedConn
	got      int
	last     uint64
	disorder int
	ended    string
	lat      histogram
}

// feedResult is what a feed run measured.
type feedResult struct {
	subscribers                   int
	openTime                      time.Duration
	writes, writeFailed           int
	firstWriteError               string
	writeTime                     time.Duration
	writeLat                      []time.Duration
	delivered                     int64
	deliverTime                   time.Duration
	complete, disordered, short   int
	ends                          map[string]int
	lat                           histogram
	memStart, memOpen, memEnd     memSample
	memWrites                     memSample // as the writes start
	peak                          memory
	firstEvent, lastEvent         uint64
	expectedPerSubscriber, missed int
}

// memSample is what the server's /metrics said at one time.
type memSample struct{ rss, heap, cpu float64 }

func runFeed(ctx context.Context, cfg feedConfig, stdout io.Writer) error {
	if err := checkLoopback(cfg.url); err != nil {
		return err
	}
	if cfg.subscribers < 0 || cfg.subscribers > 10_000 || cfg.rate < 1 || cfg.rate > 10_000 || cfg.duration <= 0 ||
		cfg.duration > 10*time.Minute || cfg.writers < 1 || cfg.writers > 100 {
		return errors.New("want 0 ≤ --subscribers ≤ 10000, 1 ≤ --rate ≤ 10000, 0 < --duration ≤ 10m and 1 ≤ --writers ≤ 100")
	}
	res, err := feedLoad(ctx, cfg)
	if err != nil {
		return err
	}
	res.print(stdout, cfg)
	var problems []string
	if res.writeFailed > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d writes failed (first: %s)", res.writeFailed, res.writes, res.firstWriteError))
	}
	if res.complete != res.subscribers {
		problems = append(problems, fmt.Sprintf("%d of %d subscribers got all %d events in order", res.complete, res.subscribers, res.expectedPerSubscriber))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func wsURL(u string) string {
	if rest, ok := strings.CutPrefix(u, "http"); ok {
		return "ws" + rest
	}
	return u
}

func feedLoad(ctx context.Context, cfg feedConfig) (*feedResult, error) {
	res := &feedResult{subscribers: cfg.subscribers, ends: map[string]int{}}
	metricsURL := func() string {
		u, _ := url.Parse(cfg.url)
		u.Path, u.RawQuery = "/metrics", ""
		return u.String()
	}()
	sample := func() memSample {
		rss, heap, _ := readMemory(ctx, metricsURL)
		return memSample{rss, heap, readCPU(ctx, metricsURL)}
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.writers}}

	// One write before the subscribers, seen by a probe subscription: its
	// event id is where every subscriber resumes after, so none misses an
	// event of the load however late its subscription starts. The server
	// starts a subscription after answering nothing: a write made before
	// it has started is not seen, so the write is made again until one is.
	probe, err := dialFeed(ctx, cfg, nil)
	if err != nil {
		return nil, fmt.Errorf("probe subscription: %w", err)
	}
	var base uint64
	for attempt := 1; ; attempt++ {
		if _, err := addStatement(ctx, client, cfg, "load-start-"+strconv.FormatInt(time.Now().UnixNano(), 36), loadPairs[0]); err != nil {
			probe.closeNow()
			return nil, fmt.Errorf("first write: %w", err)
		}
		probe.nc.SetReadDeadline(time.Now().Add(2 * time.Second))
		data, err := probe.read()
		if ne, ok := err.(net.Error); ok && ne.Timeout() && probe.br.Buffered() == 0 && attempt < 10 {
			continue
		}
		id, _, ok := parseEvent(data)
		probe.closeNow()
		if err != nil || !ok {
			return nil, fmt.Errorf("probe subscription: no event for the first write: %s %v", data, err)
		}
		base = id
		break
	}

	res.memStart = sample()
	subs := make([]*subscriber, cfg.subscribers)
	openStart := time.Now()
	for i := range subs {
		c, err := dialFeed(ctx, cfg, &base)
		if err != nil {
			for _, s := range subs[:i] {
				s.conn.closeNow()
			}
			return nil, fmt.Errorf("subscriber %d: %w", i, err)
		}
		subs[i] = &subscriber{conn: c, last: base}
	}
	res.openTime = time.Since(openStart)
	res.memOpen = sample()

	total := int(math.Round(float64(cfg.rate) * cfg.duration.Seconds()))
	// The readers stop drain after the last write at the latest, or when
	// ctx ends: their connections are closed under them (reads with a
	// context that can end cost a timer each).
	var stopped atomic.Bool
	stopReading := func() {
		stopped.Store(true)
		for _, s := range subs {
			s.conn.closeNow()
		}
	}
	defer context.AfterFunc(ctx, stopReading)()
	var delivered atomic.Int64
	var readers sync.WaitGroup
	for _, s := range subs {
		readers.Go(func() {
			s.read(&stopped, total, &delivered)
			if s.ended == "" {
				s.conn.close()
			} else {
				s.conn.closeNow()
			}
		})
	}

	memCtx, stopMem := context.WithCancel(ctx)
	memDone := make(chan struct{})
	go func() {
		defer close(memDone)
		res.peak = sampleMemory(memCtx, cfg.url)
	}()

	res.memWrites = sample()
	start := time.Now()
	var next atomic.Int64
	var mu sync.Mutex
	var writers sync.WaitGroup
	run := strconv.FormatInt(start.UnixNano(), 36)
	for range cfg.writers {
		writers.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= total || ctx.Err() != nil {
					return
				}
				time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(cfg.rate))))
				d, err := addStatement(ctx, client, cfg, "load-"+run+"-"+strconv.Itoa(i), loadPairs[i%len(loadPairs)])
				mu.Lock()
				res.writes++
				if err != nil {
					res.writeFailed++
					if res.firstWriteError == "" {
						res.firstWriteError = err.Error()
					}
				} else {
					res.writeLat = append(res.writeLat, d)
				}
				mu.Unlock()
			}
		})
	}
	writers.Wait()
	res.writeTime = time.Since(start)
	res.expectedPerSubscriber = res.writes - res.writeFailed
	late := time.AfterFunc(cfg.drain, stopReading)
	readers.Wait()
	late.Stop()
	res.deliverTime = time.Since(start)
	res.delivered = delivered.Load()
	stopMem()
	<-memDone
	res.memEnd = sample()

	for _, s := range subs {
		res.lat.add(&s.lat)
		switch {
		case s.got == res.expectedPerSubscriber && s.disorder == 0:
			res.complete++
		case s.disorder > 0:
			res.disordered++
		default:
			res.short++
			res.missed += res.expectedPerSubscriber - s.got
		}
		if s.ended != "" {
			res.ends[s.ended]++
		}
	}
	res.firstEvent, res.lastEvent = base+1, base
	for _, s := range subs {
		res.lastEvent = max(res.lastEvent, s.last)
	}
	return res, nil
}

// read reads events until it has want of them or the connection ends
// (stopped tells whether the run ended it); an event whose id is not
// greater than the last one's counts as out of order (ids count every kind
// of event, so claimAdded's need not follow each other), and a message
// that is not the next event ends the read.
func (s *subscriber) read(stopped *atomic.Bool, want int, delivered *atomic.Int64) {
	for s.got < want {
		msg, err := s.conn.read()
		if err != nil {
			var ce *closeError
			switch {
			case stopped.Load():
				s.ended = "still waiting when the run ended"
			case errors.As(err, &ce):
				s.ended = fmt.Sprintf("closed by the server: %d", ce.code)
			default:
				s.ended = err.Error()
			}
			return
		}
		now := time.Now()
		id, at, ok := parseEvent(msg)
		if !ok {
			s.ended = fmt.Sprintf("unexpected message %.200s", msg)
			return
		}
		if id <= s.last {
			s.disorder++
		}
		s.last = id
		s.got++
		s.lat.record(now.Sub(at))
		delivered.Add(1)
	}
}

// dialFeed opens a WebSocket with graphql-transport-ws and subscribes to
// claimAdded after the event id after (from the next event when nil).
func dialFeed(ctx context.Context, cfg feedConfig, after *uint64) (*feedConn, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := dialWS(dctx, wsURL(cfg.url), "graphql-transport-ws")
	if err != nil {
		return nil, err
	}
	init := map[string]any{"type": "connection_init"}
	if cfg.token != "" {
		init["payload"] = map[string]string{"authorization": "Bearer " + cfg.token}
	}
	msg, _ := json.Marshal(init)
	if err := c.writeText(msg); err != nil {
		c.closeNow()
		return nil, err
	}
	c.nc.SetReadDeadline(time.Now().Add(30 * time.Second))
	data, err := c.read()
	c.nc.SetReadDeadline(time.Time{})
	if err != nil || !bytes.Equal(data, []byte(`{"type":"connection_ack"}`)) {
		c.closeNow()
		return nil, fmt.Errorf("connection_init answered %.200s (%v)", data, err)
	}
	vars := map[string]any{}
	if after != nil {
		vars["after"] = strconv.FormatUint(*after, 10)
	}
	msg, _ = json.Marshal(map[string]any{"id": feedOperation, "type": "subscribe",
		"payload": map[string]any{"query": feedSubscription, "variables": vars}})
	if err := c.writeText(msg); err != nil {
		c.closeNow()
		return nil, err
	}
	return c, nil
}

// feedOperation is the id of every subscriber's subscription.
const feedOperation = "1"

// readCPU reads process_cpu_seconds_total from a Prometheus text page.
func readCPU(ctx context.Context, u string) float64 {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	for line := range strings.SplitSeq(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "process_cpu_seconds_total "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f
		}
	}
	return 0
}

// addStatement writes one statement with one claim through the API.
func addStatement(ctx context.Context, client *http.Client, cfg feedConfig, id string, p [3]string) (time.Duration, error) {
	q := fmt.Sprintf(`mutation { addStatement(id: %q, subject: %q, type: %q, object: %q, claim: {source: "src-86013d487e35f14f", claimant: "pakistan", stance: ASSERTS}) { id } }`,
		id, p[0], p[1], p[2])
	body, _ := json.Marshal(map[string]string{"query": q})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if cfg.token != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.token)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		return d, err
	}
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(data, []byte(`{"data":`)) || bytes.Contains(data, []byte(`"errors":`)) {
		return d, fmt.Errorf("status %s: %.200s", resp.Status, data)
	}
	return d, nil
}

// The one message a subscriber expects, but for the event's id and time:
// nothing else may be in it.
var (
	eventHead = []byte(`{"id":"` + feedOperation + `","type":"next","payload":{"data":{"claimAdded":{"id":"`)
	eventMid  = []byte(`","at":"`)
	eventTail = []byte(`"}}}}`)
)

// parseEvent reads the id and time of a next message of claimAdded { id
// at } without decoding it as JSON: the message must be exactly that
// message (the server writes the fields in the order asked for).
func parseEvent(msg []byte) (id uint64, at time.Time, ok bool) {
	rest, found := bytes.CutPrefix(msg, eventHead)
	if !found {
		return 0, time.Time{}, false
	}
	digits, rest, found := bytes.Cut(rest, eventMid)
	if !found || len(digits) == 0 {
		return 0, time.Time{}, false
	}
	for _, d := range digits {
		if d < '0' || d > '9' {
			return 0, time.Time{}, false
		}
		id = id*10 + uint64(d-'0')
	}
	stamp, found := bytes.CutSuffix(rest, eventTail)
	if !found || bytes.IndexByte(stamp, '"') >= 0 {
		return 0, time.Time{}, false
	}
	at, err := time.Parse(time.RFC3339Nano, string(stamp))
	return id, at, err == nil
}

// histogram counts durations in buckets 1% wide (from 1 µs on).
type histogram struct {
	counts []int32
	n      int64
	max    time.Duration
}

const histStep = 0.01

func (h *histogram) record(d time.Duration) {
	us := max(float64(d.Microseconds()), 1)
	b := int(math.Log(us) / math.Log1p(histStep))
	if b >= len(h.counts) {
		h.counts = slices.Grow(h.counts, b+1-len(h.counts))[:b+1]
	}
	h.counts[b]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) add(o *histogram) {
	if len(o.counts) > len(h.counts) {
		h.counts = slices.Grow(h.counts, len(o.counts)-len(h.counts))[:len(o.counts)]
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile returns the upper bound of the bucket that holds quantile q.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	want := int64(math.Ceil(q * float64(h.n)))
	var seen int64
	for i, c := range h.counts {
		seen += int64(c)
		if seen >= want {
			return min(time.Duration(math.Pow(1+histStep, float64(i+1)))*time.Microsecond, h.max)
		}
	}
	return h.max
}

func (r *feedResult) print(w io.Writer, cfg feedConfig) {
	const mib = 1 << 20
	fmt.Fprintf(w, "feed: %d subscribers (claimAdded, one WebSocket each) opened in %s\n", r.subscribers, r.openTime.Round(time.Millisecond))
	slices.Sort(r.writeLat)
	pct := func(l []time.Duration, p float64) time.Duration {
		if len(l) == 0 {
			return 0
		}
		return l[min(len(l)-1, int(p*float64(len(l))))]
	}
	fmt.Fprintf(w, "writes: %d asked at %d/s, done in %s (%.1f/s), %d failed; latency p50 %s p99 %s max %s\n",
		r.writes, cfg.rate, r.writeTime.Round(time.Millisecond), float64(r.writes)/r.writeTime.Seconds(), r.writeFailed,
		ms(pct(r.writeLat, .5)), ms(pct(r.writeLat, .99)), ms(pct(r.writeLat, 1)))
	if r.subscribers > 0 {
		fmt.Fprintf(w, "events: %d delivered of %d×%d in %s (%.0f/s); events %d..%d\n",
			r.delivered, r.expectedPerSubscriber, r.subscribers, r.deliverTime.Round(time.Millisecond),
			float64(r.delivered)/r.deliverTime.Seconds(), r.firstEvent, r.lastEvent)
		fmt.Fprintf(w, "subscribers: %d got every event in order, %d out of order, %d short (%d events missing)\n",
			r.complete, r.disordered, r.short, r.missed)
		for _, end := range slices.Sorted(maps.Keys(r.ends)) {
			fmt.Fprintf(w, "  %d ended: %s\n", r.ends[end], end)
		}
		fmt.Fprintf(w, "latency from the event's timestamp to its receipt: p50 %s p90 %s p99 %s max %s\n",
			ms(r.lat.quantile(.5)), ms(r.lat.quantile(.9)), ms(r.lat.quantile(.99)), ms(r.lat.max))
	}
	if cpu := r.memEnd.cpu - r.memWrites.cpu; cpu > 0 && r.writes > 0 {
		fmt.Fprintf(w, "server CPU from the first write to the end: %.1f s (%.1f ms a write", cpu, 1000*cpu/float64(r.writes))
		if r.delivered > 0 {
			fmt.Fprintf(w, ", %.1f µs a message delivered", 1e6*cpu/float64(r.delivered))
		}
		fmt.Fprintf(w, "), %.0f%% of one core\n", 100*cpu/r.deliverTime.Seconds())
	}
	fmt.Fprintf(w, "server memory: RSS %.0f MiB before the subscribers, %.0f MiB with them, %.0f MiB at the end (peak %.0f MiB); heap in use %.0f, %.0f, %.0f MiB (peak %.0f MiB)\n",
		r.memStart.rss/mib, r.memOpen.rss/mib, r.memEnd.rss/mib, r.peak.peakRSS/mib,
		r.memStart.heap/mib, r.memOpen.heap/mib, r.memEnd.heap/mib, r.peak.peakHeap/mib)
}
