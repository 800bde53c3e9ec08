package feed

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// ErrTooSlow ends a subscription whose reader fell behind.
var ErrTooSlow = errors.New("the subscriber fell behind the change feed and was dropped")

// ErrClosed ends the subscriptions of a hub whose context ended.
var ErrClosed = errors.New("the change feed stopped")

// Options tune a Hub. Zero fields take the defaults.
type Options struct {
	// Logger receives the hub's log records; nil discards them.
	Logger *slog.Logger
	// Poll is how often the hub looks for new events without being woken
	// (default 2s): a notification from another instance may be lost.
	Poll time.Duration
	// Queue is the most events a subscription may have waiting (default
	// 1024); past it the subscription ends with ErrTooSlow.
	Queue int
	// Ring is how many recent events the hub keeps for subscriptions that
	// resume (default 4096; twice as many at most); older ones are read
	// back from the store.
	Ring int
	// MaxSubscriptions caps the subscriptions open at once (default
	// 10,000); past it Subscribe returns Unavailable.
	MaxSubscriptions int
	// MaxAge bounds how far back a subscription may resume (default 24
	// hours): when the first event it would replay is older, Subscribe
	// returns NotFound, as for an event the store no longer keeps. The
	// store bounds the window by count (graph.EventLog), this by age.
	MaxAge time.Duration
	// Interval is the least time between two hand-outs of events to the
	// subscriptions (default 20ms; negative: none): the events committed
	// meanwhile are handed out together, so that each subscriber wakes
	// once for them and can send them in one write, and a busy feed costs
	// a wake-up per interval and subscription rather than one per commit.
	// An event that finds the hub idle for longer is handed out at once.
	Interval time.Duration
	// Now is the hub's clock (default time.Now).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.Queue <= 0 {
		o.Queue = 1024
	}
	if o.Ring <= 0 {
		o.Ring = 4096
	}
	if o.MaxSubscriptions <= 0 {
		o.MaxSubscriptions = 10_000
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// DefaultMaxAge is how far back a subscription may resume when Options
// give no MaxAge.
const DefaultMaxAge = 24 * time.Hour

// DefaultInterval is the least time between two hand-outs when Options
// give no Interval.
const DefaultInterval = 20 * time.Millisecond

// batch is how many events the hub reads from the store at a time.
const batch = 1000

// Hub fans out the events of one store. It is safe for concurrent use.
type Hub struct {
	src  graph.EventLog
	opts Options

	mu     sync.Mutex
	last   uint64               // the id of the newest event handed out
	ring   []*graph.ChangeEvent // the newest events, oldest first
	subs   map[*Subscription]struct{}
	closed bool
}

// Start reads the newest event id of src and starts a hub that follows it
// until ctx ends; the subscriptions then end with ErrClosed.
func Start(ctx context.Context, src graph.EventLog, opts Options) (*Hub, error) {
	h := &Hub{src: src, opts: opts.withDefaults(), subs: map[*Subscription]struct{}{}}
	last, err := src.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	h.last = last
	wake := src.WatchEvents(ctx)
	go h.run(ctx, wake)
	return h, nil
}

// Last returns the id of the newest event the hub has handed out.
func (h *Hub) Last() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// QueueSize is the most events a subscription may have waiting.
func (h *Hub) QueueSize() int { return h.opts.Queue }

// Subscriptions returns the number of open subscriptions.
func (h *Hub) Subscriptions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *Hub) run(ctx context.Context, wake <-chan struct{}) {
	tick := time.NewTicker(h.opts.Poll)
	defer tick.Stop()
	defer h.close()
	// due fires when a pull put off to keep the interval is due.
	due := time.NewTimer(time.Hour)
	due.Stop()
	waiting := false
	var handed time.Time // when events were last handed out
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick.C:
		case <-due.C:
			waiting = false
		}
		if waiting {
			continue // the pull already put off takes these events too
		}
		if wait := h.opts.Interval - time.Since(handed); wait > 0 {
			due.Reset(wait)
			waiting = true
			continue
		}
		if h.pull(ctx) {
			handed = time.Now()
		}
	}
}

// pull reads the events after the newest handed out and hands them out;
// it reports whether there were any. Only run calls it, so h.last changes
// nowhere else.
func (h *Hub) pull(ctx context.Context) (handed bool) {
	for {
		h.mu.Lock()
		last := h.last
		h.mu.Unlock()
		events, err := h.src.Events(ctx, last, batch)
		if graph.ErrorCode(err) == graph.NotFound {
			// The hub fell out of the window: its subscribers would miss
			// events, so they end, and the hub starts again from the newest.
			h.opts.Logger.Error("the change feed fell behind the store's window; ending every subscription", "err", err)
			newest, lerr := h.src.LastEventID(ctx)
			if lerr != nil {
				return
			}
			h.mu.Lock()
			for s := range h.subs {
				s.end(err)
				delete(h.subs, s)
			}
			h.last, h.ring = newest, nil
			h.mu.Unlock()
			return handed
		}
		if err != nil {
			if ctx.Err() == nil {
				h.opts.Logger.Warn("reading change events", "err", err)
			}
			return handed
		}
		if len(events) == 0 {
			return handed
		}
		handed = true
		h.mu.Lock()
		offered := make([]*graph.ChangeEvent, len(events))
		for i := range events {
			offered[i] = &events[i]
		}
		h.ring = append(h.ring, offered...)
		// Each subscription gets the whole batch at once: one lock and one
		// wake-up, and a reader that takes what is queued finds it all.
		for s := range h.subs {
			if !s.offer(offered, h.opts.Queue) {
				delete(h.subs, s)
			}
		}
		// Trimmed once it holds twice what it keeps, not at every pull:
		// a trim copies the events kept.
		if n := len(h.ring); n > 2*h.opts.Ring {
			h.ring = append([]*graph.ChangeEvent(nil), h.ring[n-h.opts.Ring:]...)
		}
		h.last = events[len(events)-1].ID
		h.mu.Unlock()
		if len(events) < batch {
			return handed
		}
	}
}

func (h *Hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		s.end(ErrClosed)
		delete(h.subs, s)
	}
}

// Subscribe opens a subscription to the events filter takes (all when it
// is nil). With after nil it starts with the next event committed; with
// after set, with the first event whose id is greater, so that a client
// that saw the event after resumes without a gap. Returns NotFound when
// those events are no longer all kept or the first of them is older than
// Options.MaxAge, and Unavailable when the hub has
// Options.MaxSubscriptions open already.
func (h *Hub) Subscribe(ctx context.Context, after *uint64, filter func(*graph.ChangeEvent) bool) (*Subscription, error) {
	s := &Subscription{hub: h, filter: filter, wake: make(chan struct{}, 1)}
	cursor := uint64(0)
	if after != nil {
		cursor = *after
	}
	for {
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return nil, graph.Errorf(graph.Unavailable, "the change feed stopped")
		}
		if len(h.subs) >= h.opts.MaxSubscriptions {
			h.mu.Unlock()
			return nil, graph.Errorf(graph.Unavailable, "the server has %d subscriptions open, its limit; try again later", h.opts.MaxSubscriptions)
		}
		if after == nil || cursor >= h.last {
			if after == nil {
				cursor = h.last
			}
			s.cursor = cursor
			h.subs[s] = struct{}{}
			h.mu.Unlock()
			return s, nil
		}
		if n := len(h.ring); n > 0 && h.ring[0].ID <= cursor+1 {
			missed := h.ring[cursor+1-h.ring[0].ID:]
			if err := h.tooOld(cursor, missed[0]); err != nil {
				h.mu.Unlock()
				return nil, err
			}
			for _, e := range missed {
				s.take(e)
			}
			s.cursor = h.last
			h.subs[s] = struct{}{}
			h.mu.Unlock()
			return s, nil
		}
		h.mu.Unlock()
		// Older than the hub's memory: read them back, then look again.
		events, err := h.src.Events(ctx, cursor, batch)
		if err != nil {
			return nil, err
		}
		if len(events) == 0 {
			return nil, graph.Errorf(graph.Internal, "the store has no events after %d, but the feed has handed out %d", cursor, h.Last())
		}
		if events[0].ID == *after+1 {
			if err := h.tooOld(*after, &events[0]); err != nil {
				return nil, err
			}
		}
		for i := range events {
			s.take(&events[i])
		}
		cursor = events[len(events)-1].ID
	}
}

// tooOld returns the NotFound of a resume after the event after whose
// first missed event, first, is older than Options.MaxAge.
func (h *Hub) tooOld(after uint64, first *graph.ChangeEvent) error {
	if age := h.opts.Now().Sub(first.At); age > h.opts.MaxAge {
		return graph.Errorf(graph.NotFound,
			"the events after %d go back %s, further than the feed's window of %s: read the current state again and resume from there",
			after, age.Round(time.Second), h.opts.MaxAge)
	}
	return nil
}

// Subscription is one subscriber's view of the feed.
type Subscription struct {
	hub    *Hub
	filter func(*graph.ChangeEvent) bool
	cursor uint64 // events up to this id are not offered

	mu    sync.Mutex
	queue []*graph.ChangeEvent // waiting from head on
	head  int
	err   error
	wake  chan struct{}
}

// take queues e, before the subscription is registered, when its filter
// takes it.
func (s *Subscription) take(e *graph.ChangeEvent) {
	if s.filter == nil || s.filter(e) {
		s.queue = append(s.queue, e)
	}
}

// offer queues the events of batch its filter takes (and that come after
// its cursor); it reports false when the subscription is over (ended, or
// dropped now for a full queue). The hub holds its lock.
func (s *Subscription) offer(batch []*graph.ChangeEvent, max int) bool {
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return false
	}
	if s.head > 0 && s.head >= len(s.queue)/2 {
		// Move the waiting events to the front, so that a reader that
		// keeps a few waiting does not grow the queue for ever.
		n := copy(s.queue, s.queue[s.head:])
		clear(s.queue[n:])
		s.queue, s.head = s.queue[:n], 0
	}
	added := false
	for _, e := range batch {
		if e.ID <= s.cursor || (s.filter != nil && !s.filter(e)) {
			continue
		}
		if len(s.queue)-s.head >= max {
			s.err = ErrTooSlow
			s.mu.Unlock()
			s.signal()
			return false
		}
		s.queue = append(s.queue, e)
		added = true
	}
	s.mu.Unlock()
	if added {
		s.signal()
	}
	return true
}

func (s *Subscription) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Subscription) end(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
	s.signal()
}

// Next returns the next event, waiting for one as long as ctx lives. It
// returns ErrTooSlow when the subscription was dropped for falling behind,
// ErrClosed when it or the hub was closed, NotFound when the hub fell out
// of the store's window, and ctx's error when ctx ends; the events still
// queued are then dropped.
func (s *Subscription) Next(ctx context.Context) (*graph.ChangeEvent, error) {
	events, err := s.NextBatch(ctx, nil, 1)
	if err != nil {
		return nil, err
	}
	return events[0], nil
}

// NextBatch appends to dst the events waiting, at most max of them (all
// when max ≤ 0), waiting for one as long as ctx lives, and returns dst. It
// returns the errors Next does; a reader that sends what it gets in one go
// sends a backlog with one write instead of one per event.
func (s *Subscription) NextBatch(ctx context.Context, dst []*graph.ChangeEvent, max int) ([]*graph.ChangeEvent, error) {
	for {
		s.mu.Lock()
		if s.err != nil {
			err := s.err
			s.queue, s.head = nil, 0
			s.mu.Unlock()
			return dst, err
		}
		if n := len(s.queue) - s.head; n > 0 {
			if max > 0 && n > max {
				n = max
			}
			taken := s.queue[s.head : s.head+n]
			dst = append(dst, taken...)
			clear(taken)
			s.head += n
			if s.head == len(s.queue) {
				s.queue, s.head = s.queue[:0], 0
			}
			s.mu.Unlock()
			return dst, nil
		}
		s.mu.Unlock()
		select {
		case <-s.wake:
		case <-ctx.Done():
			return dst, ctx.Err()
		}
	}
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.end(ErrClosed)
	h := s.hub
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
}
