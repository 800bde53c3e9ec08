package cayley

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/lib/pq"

	"github.com/claimgraph/claimgraph/graph"
)

// The change feed (graph.EventLog). Every write the audit log records also
// stores the events it causes, in the same transaction:
//
//	<cg:feed> <cg:p/seq> "N"                  the id of the newest event
//	<cg:event/SLOT> <cg:p/record> "JSON"      the event N with N mod W = SLOT
//
// W is the window: event N overwrites event N-W, so the feed keeps the last
// W events in a fixed number of nodes, and a write reads one node per event
// it stores. Ids are assigned while the write lock is held (across
// processes on PostgreSQL), so they grow by one in the order the writes
// commit. After the commit the store wakes its watchers, and on PostgreSQL
// sends a NOTIFY that the other processes' listeners turn into a wake-up;
// readers then read the events from the store, so a lost notification only
// delays them.
const (
	iriFeed     = quad.IRI("cg:feed")
	prefixEvent = "cg:event/"
	pSeq        = quad.IRI("cg:p/seq")

	// defaultEventWindow is the number of events kept when Options give
	// none.
	defaultEventWindow = 10_000
	// recentEvents is how many of its own newest events a store keeps in
	// memory at least (twice as many at most), so that readers in the
	// process need not read them back.
	recentEvents = 4096
	// feedChannel is the PostgreSQL notification channel, suffixed with
	// the schema of the store.
	feedChannel = "claimgraph_feed_"
)

// feedState is the Store's part of the change feed.
type feedState struct {
	window uint64
	url    string // the PostgreSQL URL, for the listener and notifications

	mu      sync.Mutex
	pending map[*cgraph.Transaction][]graph.ChangeEvent // planned, not yet committed
	recent  []graph.ChangeEvent                         // committed, oldest first
	// last and lastQuads are, on a store no other process writes, the id
	// of the newest stored event and the quads that store it, once known
	// (see storedSeq).
	last      uint64
	lastQuads []quad.Quad
	lastKnown bool
	watchers  map[chan struct{}]struct{}
	listener  *pq.Listener
	notifyDB  *sql.DB
	channel   string
	closed    bool
}

func eventIRI(slot uint64) quad.IRI {
	return quad.IRI(prefixEvent + strconv.FormatUint(slot, 10))
}

// changeEvents derives from tx's deltas the events of the write: for each
// statement the write touches, the claims it adds and the change of its
// status, comparing the statement as stored (the write lock is held, so
// nothing else changes it) with what it is once the deltas apply. The
// events have no ids yet.
func changeEvents(ctx context.Context, r reader, deltas []cgraph.Delta) ([]graph.ChangeEvent, error) {
	bySubject := map[quad.Value][]cgraph.Delta{}
	var order []string
	seen := map[string]bool{}
	touch := func(id string) {
		if !seen[id] {
			seen[id] = true
			order = append(order, id)
		}
	}
	var claims []string
	for _, d := range deltas {
		q := d.Quad
		bySubject[q.Subject] = append(bySubject[q.Subject], d)
		if id, ok := idOf(q.Subject, prefixStmt); ok {
			touch(id)
		} else if id, ok := idOf(q.Subject, prefixClaim); ok {
			if st, ok := idOf(q.Object, prefixStmt); ok && q.Predicate == pStatement {
				touch(st)
			} else {
				claims = append(claims, id)
			}
		} else if id, ok := idOf(q.Label, prefixStmt); ok && isRelation(q.Predicate) {
			touch(id)
		}
	}
	for _, cid := range claims {
		own, err := r.subject(ctx, claimIRI(cid))
		if err != nil {
			return nil, err
		}
		if st := propsOf(own).id(pStatement, prefixStmt); st != "" {
			touch(st)
		}
	}
	if len(order) > graph.MaxEventStatements {
		return []graph.ChangeEvent{{Kind: graph.EventManyChanges, Count: len(order)}}, nil
	}
	var events []graph.ChangeEvent
	for _, id := range order {
		evs, err := statementEvents(ctx, r, id, bySubject)
		if err != nil {
			return nil, err
		}
		events = append(events, evs...)
	}
	return events, nil
}

// applied returns stored with the deltas of its subject applied.
func applied(stored []quad.Quad, deltas []cgraph.Delta) []quad.Quad {
	if len(deltas) == 0 {
		return stored
	}
	set := keyed(stored)
	for _, d := range deltas {
		if d.Action == cgraph.Add {
			set[d.Quad.NQuad()] = d.Quad
		} else {
			delete(set, d.Quad.NQuad())
		}
	}
	out := make([]quad.Quad, 0, len(set))
	for _, k := range sortedKeys(set) {
		out = append(out, set[k])
	}
	return out
}

// statementEvents compares one statement before and after the deltas.
func statementEvents(ctx context.Context, r reader, id string, bySubject map[quad.Value][]cgraph.Delta) ([]graph.ChangeEvent, error) {
	before, existed, err := r.statement(ctx, id)
	if err != nil {
		return nil, err
	}
	ownBefore, err := r.subject(ctx, statementIRI(id))
	if err != nil {
		return nil, err
	}
	ownAfter := applied(ownBefore, bySubject[statementIRI(id)])
	after, explicit := decodeStatement(id, ownAfter)
	if !explicit {
		after = graph.Statement{ID: id, Subject: before.Subject, Type: before.Type, Object: before.Object}
	}
	// Claims that are no claim node of the statement are implicit (a bulk
	// import's); a write through the store's writer leaves them as they are.
	nodes := propsOf(ownBefore).sortedIDs(pClaim, prefixClaim)
	for _, c := range before.Claims {
		if !slices.Contains(nodes, c.ID) {
			after.Claims = append(after.Claims, c)
		}
	}
	for _, cid := range propsOf(ownAfter).sortedIDs(pClaim, prefixClaim) {
		own, err := r.subject(ctx, claimIRI(cid))
		if err != nil {
			return nil, err
		}
		if c, _, ok := decodeClaim(cid, applied(own, bySubject[claimIRI(cid)])); ok {
			after.Claims = append(after.Claims, c)
		}
	}
	slices.SortFunc(after.Claims, func(a, b graph.Claim) int { return compareStrings(a.ID, b.ID) })
	exists := explicit || len(after.Claims) > 0
	if after.Subject == "" {
		after.Subject, after.Type, after.Object = before.Subject, before.Type, before.Object
	}
	base := graph.ChangeEvent{Statement: id, Subject: after.Subject, Type: after.Type, Object: after.Object}
	old := map[string]graph.Claim{}
	for _, c := range before.Claims {
		old[c.ID] = c
	}
	var events []graph.ChangeEvent
	var added, changed, removed []graph.Claim
	for _, c := range after.Claims {
		prev, ok := old[c.ID]
		switch {
		case !ok:
			added = append(added, c)
			e := base
			e.Kind = graph.EventClaimAdded
			setClaim(&e, c)
			events = append(events, e)
		case prev.Stance != c.Stance || prev.Claimant != c.Claimant:
			changed = append(changed, c)
		}
		delete(old, c.ID)
	}
	for _, c := range before.Claims {
		if _, ok := old[c.ID]; ok {
			removed = append(removed, c)
		}
	}
	if !existed {
		return events, nil
	}
	var to graph.Status
	if exists {
		to = after.Status()
	}
	if from := before.Status(); from != to {
		e := base
		e.Kind, e.From, e.To = graph.EventStatusChanged, from, to
		if c, ok := cause(to, append(added, changed...)); ok {
			setClaim(&e, c)
		} else if c, ok := cause(to, removed); ok {
			setClaim(&e, c)
			e.ClaimRemoved = true
		}
		events = append(events, e)
	}
	return events, nil
}

// cause picks, among the claims a write added, changed or removed, the one
// that best explains the new status: a denial for a statement now disputed
// or denied, an assertion otherwise; the last such claim by id.
func cause(to graph.Status, claims []graph.Claim) (graph.Claim, bool) {
	want := graph.Asserts
	if to == graph.Disputed || to == graph.Denied {
		want = graph.Denies
	}
	for i := len(claims) - 1; i >= 0; i-- {
		if claims[i].Stance == want {
			return claims[i], true
		}
	}
	if len(claims) > 0 {
		return claims[len(claims)-1], true
	}
	return graph.Claim{}, false
}

func setClaim(e *graph.ChangeEvent, c graph.Claim) {
	e.Claim, e.Stance, e.Claimant, e.ClaimSource = c.ID, c.Stance, c.Claimant, c.Source
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// lastSeq reads the id of the newest stored event.
func lastSeq(ctx context.Context, r reader) (uint64, []quad.Quad, error) {
	own, err := r.subject(ctx, iriFeed)
	if err != nil {
		return 0, nil, err
	}
	var last uint64
	var quads []quad.Quad
	for _, q := range own {
		if q.Predicate != pSeq {
			continue
		}
		quads = append(quads, q)
		if n, err := strconv.ParseUint(text(q.Object), 10, 64); err == nil && n > last {
			last = n
		}
	}
	return last, quads, nil
}

// storedSeq returns the id of the newest stored event and the quads that
// store it. A shared store reads them every time. On an embedded store
// this process is the only writer, so they are read once and then follow
// the commits (see committed): Cayley's KV indexes keep the entries of
// removed quads, so the reading grows with every write made.
func (s *Store) storedSeq(ctx context.Context, r reader) (uint64, []quad.Quad, error) {
	if r.pending != nil && r.pending.seqSet {
		return r.pending.seq, r.pending.seqQuads, nil
	}
	if s.shared {
		return lastSeq(ctx, r)
	}
	s.feed.mu.Lock()
	last, quads, known := s.feed.last, s.feed.lastQuads, s.feed.lastKnown
	s.feed.mu.Unlock()
	if known {
		return last, quads, nil
	}
	last, quads, err := lastSeq(ctx, r)
	if err != nil {
		return 0, nil, err
	}
	s.feed.mu.Lock()
	s.feed.last, s.feed.lastQuads, s.feed.lastKnown = last, quads, true
	s.feed.mu.Unlock()
	return last, quads, nil
}

// seqQuad is the quad that stores the id of the newest event.
func seqQuad(last uint64) quad.Quad {
	return quad.Make(iriFeed, pSeq, quad.String(strconv.FormatUint(last, 10)), nil)
}

// addEvents numbers events after the newest stored one and adds them to
// tx, each in its slot, replacing the event the slot held. Of a write with
// more events than the window, only the last window's worth is stored (the
// ids still count them all).
func (s *Store) addEvents(ctx context.Context, r reader, tx *cgraph.Transaction, events []graph.ChangeEvent) error {
	last, seqQuads, err := s.storedSeq(ctx, r)
	if err != nil {
		return err
	}
	for i := range events {
		events[i].ID = last + 1 + uint64(i)
	}
	keep := events
	if w := s.feed.window; uint64(len(keep)) > w {
		keep = keep[uint64(len(keep))-w:]
	}
	for _, e := range keep {
		node := eventIRI(e.ID % s.feed.window)
		old, err := r.subject(ctx, node)
		if err != nil {
			return err
		}
		for _, q := range old {
			tx.RemoveQuad(q)
		}
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		tx.AddQuad(quad.Make(node, pRecord, quad.String(string(data)), nil))
	}
	for _, q := range seqQuads {
		tx.RemoveQuad(q)
	}
	tx.AddQuad(seqQuad(events[len(events)-1].ID))
	if ov := r.pending; ov != nil {
		ov.seq, ov.seqQuads, ov.seqSet = events[len(events)-1].ID, []quad.Quad{seqQuad(events[len(events)-1].ID)}, true
	}
	s.feed.mu.Lock()
	if s.feed.pending == nil {
		s.feed.pending = map[*cgraph.Transaction][]graph.ChangeEvent{}
	}
	s.feed.pending[tx] = events
	s.feed.mu.Unlock()
	return nil
}

// recordEvents derives the events of tx, adds them to it after the
// entity events given, and returns the status changes among them for the
// audit log. The caller holds the write lock.
func (s *Store) recordEvents(ctx context.Context, ov *overlay, tx *cgraph.Transaction, at time.Time, entityEvents []graph.ChangeEvent) ([]graph.StatusTransition, error) {
	var statuses []graph.StatusTransition
	err := s.read(func(qs cgraph.QuadStore) error {
		r := newReader(qs)
		r.pending = ov
		events, err := changeEvents(ctx, r, tx.Deltas)
		if err != nil {
			return err
		}
		events = append(slices.Clone(entityEvents), events...)
		if len(events) == 0 {
			return nil
		}
		for i := range events {
			events[i].At, events[i].User, events[i].Operation = at, graph.Author(ctx), graph.Operation(ctx, "")
			if e := events[i]; e.Kind == graph.EventStatusChanged {
				statuses = append(statuses, graph.StatusTransition{Statement: e.Statement, From: e.From, To: e.To, Claim: e.Claim})
			}
		}
		return s.addEvents(ctx, r, tx, events)
	})
	return statuses, err
}

// committed is called after tx was written (ok) or failed: the events of a
// committed write join the recent ones, the watchers wake, and on
// PostgreSQL the other processes are told.
func (s *Store) committed(tx *cgraph.Transaction, ok bool) {
	s.feed.mu.Lock()
	events, has := s.feed.pending[tx]
	delete(s.feed.pending, tx)
	if !ok {
		// A failed write may still have committed part of its work (on
		// bolt, the change before its pins are removed): read the newest
		// id again.
		s.feed.lastKnown = false
	}
	if !has || !ok {
		s.feed.mu.Unlock()
		return
	}
	if s.feed.lastKnown {
		last := events[len(events)-1].ID
		s.feed.last, s.feed.lastQuads = last, []quad.Quad{seqQuad(last)}
	}
	s.feed.recent = append(s.feed.recent, events...)
	// Trimmed once it holds twice what it keeps, not at every write: a
	// trim copies the events kept.
	if n := len(s.feed.recent); n > 2*recentEvents {
		s.feed.recent = slices.Clone(s.feed.recent[n-recentEvents:])
	}
	s.wakeLocked()
	db, channel := s.feed.notifyDB, s.feed.channel
	s.feed.mu.Unlock()
	if s.shared {
		s.notifyOthers(db, channel, events[len(events)-1].ID)
	}
}

func (s *Store) wakeLocked() {
	for c := range s.feed.watchers {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// notifyOthers sends the NOTIFY that wakes the listeners of the other
// processes sharing a PostgreSQL store. It runs after the commit; a
// failure only delays them until their next poll.
func (s *Store) notifyOthers(db *sql.DB, channel string, last uint64) {
	if db == nil {
		var err error
		if db, channel, err = s.openNotify(); err != nil {
			s.log.Warn("the change feed cannot notify other instances", "err", err)
			return
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, strconv.FormatUint(last, 10)); err != nil {
		s.log.Warn("the change feed could not notify other instances", "err", err)
	}
}

// openNotify opens the connection that sends notifications and names the
// channel of the store's schema.
func (s *Store) openNotify() (*sql.DB, string, error) {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	if s.feed.notifyDB != nil {
		return s.feed.notifyDB, s.feed.channel, nil
	}
	if s.feed.closed {
		return nil, "", graph.Errorf(graph.Unavailable, "the store is closed")
	}
	db, err := sql.Open("postgres", s.feed.url)
	if err != nil {
		return nil, "", err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var schema string
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("name the notification channel: %w", err)
	}
	s.feed.notifyDB, s.feed.channel = db, feedChannel+schema
	return db, s.feed.channel, nil
}

// LastEventID returns the id of the newest event; see graph.EventLog.
func (s *Store) LastEventID(ctx context.Context) (_ uint64, err error) {
	defer deferWrap(&err, "read the newest event id")
	if !s.shared {
		// This process is the only writer: its newest event is the store's.
		s.feed.mu.Lock()
		n := len(s.feed.recent)
		var last uint64
		if n > 0 {
			last = s.feed.recent[n-1].ID
		}
		s.feed.mu.Unlock()
		if last > 0 {
			return last, nil
		}
	}
	qs, err := s.rlock()
	if err != nil {
		return 0, err
	}
	defer s.runlock(&err)
	last, _, err := lastSeq(ctx, newReader(qs))
	return last, err
}

// Events returns the events after the id after; see graph.EventLog. The
// events this process wrote come from memory while it keeps them.
func (s *Store) Events(ctx context.Context, after uint64, limit int) (_ []graph.ChangeEvent, err error) {
	defer deferWrap(&err, "read events")
	last, err := s.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	if after >= last {
		return nil, nil
	}
	if last-after > s.feed.window {
		return nil, gone(after, last, s.feed.window)
	}
	end := last
	if limit > 0 && end-after > uint64(limit) {
		end = after + uint64(limit)
	}
	s.feed.mu.Lock()
	if n := len(s.feed.recent); n > 0 && s.feed.recent[0].ID <= after+1 && s.feed.recent[n-1].ID >= end {
		i := int(after + 1 - s.feed.recent[0].ID)
		out := slices.Clone(s.feed.recent[i : i+int(end-after)])
		s.feed.mu.Unlock()
		return out, nil
	}
	s.feed.mu.Unlock()
	qs, err := s.rlock()
	if err != nil {
		return nil, err
	}
	defer s.runlock(&err)
	r := newReader(qs)
	out := make([]graph.ChangeEvent, 0, end-after)
	for id := after + 1; id <= end; id++ {
		own, err := r.subject(ctx, eventIRI(id%s.feed.window))
		if err != nil {
			return nil, err
		}
		var e graph.ChangeEvent
		if data := propsOf(own).text(pRecord); data != "" {
			if err := json.Unmarshal([]byte(data), &e); err != nil {
				return nil, fmt.Errorf("event %d: %w", id, err)
			}
		}
		if e.ID != id {
			// Overwritten by a newer event since the newest id was read.
			return nil, gone(after, id, s.feed.window)
		}
		out = append(out, e)
	}
	return out, nil
}

func gone(after, last, window uint64) error {
	return graph.Errorf(graph.NotFound,
		"the events after %d are no longer all kept: the feed keeps the last %d, up to %d; read the current state again and resume from there",
		after, window, last)
}

// WatchEvents returns a channel that receives a value when events may have
// been committed; see graph.EventLog. On PostgreSQL the first call starts
// a listener for the other processes' notifications; each (re)connection
// of the listener wakes the watchers too, since notifications may have been
// missed meanwhile.
func (s *Store) WatchEvents(ctx context.Context) <-chan struct{} {
	c := make(chan struct{}, 1)
	s.feed.mu.Lock()
	if s.feed.watchers == nil {
		s.feed.watchers = map[chan struct{}]struct{}{}
	}
	s.feed.watchers[c] = struct{}{}
	start := s.shared && s.feed.listener == nil && !s.feed.closed
	s.feed.mu.Unlock()
	if start {
		if err := s.listen(); err != nil {
			s.log.Warn("the change feed cannot listen to other instances; it polls instead", "err", err)
		}
	}
	out := make(chan struct{})
	go func() {
		defer close(out)
		defer func() {
			s.feed.mu.Lock()
			delete(s.feed.watchers, c)
			s.feed.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-c:
			}
			select {
			case out <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// listen starts the PostgreSQL listener of the feed's channel.
func (s *Store) listen() error {
	_, channel, err := s.openNotify()
	if err != nil {
		return err
	}
	l := pq.NewListener(s.feed.url, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			s.log.Warn("change feed listener", "event", ev, "err", err)
		}
	})
	if err := l.Listen(channel); err != nil {
		l.Close()
		return err
	}
	s.feed.mu.Lock()
	if s.feed.closed || s.feed.listener != nil {
		s.feed.mu.Unlock()
		l.Close()
		return nil
	}
	s.feed.listener = l
	s.feed.mu.Unlock()
	go func() {
		// A nil notification follows a reconnection: wake up all the same.
		for range l.Notify {
			s.feed.mu.Lock()
			s.wakeLocked()
			s.feed.mu.Unlock()
		}
	}()
	return nil
}

// closeFeed stops the listener and the notification connection.
func (s *Store) closeFeed() error {
	s.feed.mu.Lock()
	l, db := s.feed.listener, s.feed.notifyDB
	s.feed.closed = true
	s.feed.listener, s.feed.notifyDB = nil, nil
	s.feed.mu.Unlock()
	var err error
	if l != nil {
		err = l.Close()
	}
	if db != nil {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
