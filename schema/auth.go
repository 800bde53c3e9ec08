package schema

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/claimgraph/claimgraph/graph"
)

// Who may do what. A request carries a Principal: the user's name and
// role, found from its bearer token (Options.Users, Options.Token) or, from
// a trusted proxy, an identity header (Options.TrustHeader). A request
// with neither is anonymous: it may read unless Options.RequireAuthForReads
// says otherwise, and nothing else.

// Role is what a user may do. Each role may do what the roles below it
// may.
type Role int

const (
	// RoleNone is an anonymous request's role.
	RoleNone Role = iota
	// RoleReader may run queries.
	RoleReader
	// RoleEditor may also write: add and change items, retract claims,
	// import files (dry runs included).
	RoleEditor
	// RoleAdmin may also retract sources and read the audit log.
	RoleAdmin
)

var roleNames = map[Role]string{RoleNone: "anonymous", RoleReader: "reader", RoleEditor: "editor", RoleAdmin: "admin"}

func (r Role) String() string {
	if s, ok := roleNames[r]; ok {
		return s
	}
	return fmt.Sprintf("role(%d)", int(r))
}

// ParseRole reads "reader", "editor" or "admin".
func ParseRole(s string) (Role, error) {
	for r, name := range roleNames {
		if r != RoleNone && name == s {
			return r, nil
		}
	}
	return RoleNone, fmt.Errorf("role %q: want reader, editor or admin", s)
}

// Principal is who a request acts for.
type Principal struct {
	// Name is the user's name, recorded with every write; "" when the
	// request is anonymous.
	Name string
	Role Role
}

type principalKey struct{}

// WithPrincipal returns ctx acting for p: writes through it are
// attributed to p.Name.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return graph.WithAuthor(context.WithValue(ctx, principalKey{}, p), p.Name)
}

// PrincipalFrom returns who ctx acts for; the zero Principal when anonymous.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// Trusted returns ctx acting as an admin named name: for callers in the
// same process, such as the query command, which hold the store already.
func Trusted(ctx context.Context, name string) context.Context {
	return WithPrincipal(ctx, Principal{Name: name, Role: RoleAdmin})
}

// User is one entry of a tokens file: a name, a role and the hex SHA-256
// of the user's bearer token (never the token itself).
type User struct {
	Name   string `yaml:"name"`
	Role   string `yaml:"role"`
	SHA256 string `yaml:"sha256"`
}

// Users is the table of bearer tokens, replaced as a whole when the tokens
// file is read again; safe for concurrent use.
type Users struct {
	table atomic.Pointer[[]tokenUser]
}

type tokenUser struct {
	digest [sha256.Size]byte
	p      Principal
}

// NewUsers checks list and returns its table.
func NewUsers(list []User) (*Users, error) {
	u := &Users{}
	if err := u.Replace(list); err != nil {
		return nil, err
	}
	return u, nil
}

// Replace checks list and, when it is sound, makes it the table; otherwise
// it keeps the table it has and says what is wrong.
func (u *Users) Replace(list []User) error {
	table, err := tokenTable(list)
	if err != nil {
		return err
	}
	u.table.Store(&table)
	return nil
}

// Len returns the number of users.
func (u *Users) Len() int {
	if u == nil {
		return 0
	}
	if t := u.table.Load(); t != nil {
		return len(*t)
	}
	return 0
}

func tokenTable(list []User) ([]tokenUser, error) {
	var problems []string
	names := map[string]bool{}
	digests := map[[sha256.Size]byte]bool{}
	var table []tokenUser
	for i, e := range list {
		role, err := ParseRole(e.Role)
		if err != nil {
			problems = append(problems, fmt.Sprintf("user %d (%q): %v", i+1, e.Name, err))
		}
		if strings.TrimSpace(e.Name) == "" {
			problems = append(problems, fmt.Sprintf("user %d has no name", i+1))
		} else if names[e.Name] {
			problems = append(problems, fmt.Sprintf("user %d: the name %q is given twice", i+1, e.Name))
		}
		names[e.Name] = true
		var d [sha256.Size]byte
		raw, err := hex.DecodeString(strings.TrimSpace(e.SHA256))
		if err != nil || len(raw) != sha256.Size {
			problems = append(problems, fmt.Sprintf("user %d (%q): sha256 must be 64 hex digits, the SHA-256 of the token", i+1, e.Name))
		} else {
			copy(d[:], raw)
			if digests[d] {
				problems = append(problems, fmt.Sprintf("user %d (%q): the same token digest is given twice", i+1, e.Name))
			}
			digests[d] = true
		}
		table = append(table, tokenUser{digest: d, p: Principal{Name: e.Name, Role: role}})
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return table, nil
}

// lookup returns the user of token. It compares the token's SHA-256 with
// every digest in constant time and never stops early, so that the time it
// takes tells nothing of which digest came close.
func (u *Users) lookup(token string) (Principal, bool) {
	if u == nil {
		return Principal{}, false
	}
	t := u.table.Load()
	if t == nil {
		return Principal{}, false
	}
	d := sha256.Sum256([]byte(token))
	var found Principal
	ok := 0
	for _, e := range *t {
		if subtle.ConstantTimeCompare(d[:], e.digest[:]) == 1 {
			found, ok = e.p, 1
		}
	}
	return found, ok == 1
}

// TokenDigest returns the hex SHA-256 of a token, as a tokens file holds it.
func TokenDigest(token string) string {
	d := sha256.Sum256([]byte(token))
	return hex.EncodeToString(d[:])
}

// HeaderAuth trusts an identity header set by a single-sign-on proxy.
type HeaderAuth struct {
	// Header names the header that holds the user's name
	// (X-Forwarded-User).
	Header string
	// Proxies are the addresses the header is taken from; from any other
	// address it is ignored.
	Proxies []netip.Prefix
	// Roles gives named users their role; others get DefaultRole.
	Roles       map[string]Role
	DefaultRole Role
}

// principal returns the user r's header names, when r comes from a
// trusted proxy and has the header.
func (a *HeaderAuth) principal(r *http.Request) (Principal, bool) {
	if a == nil || a.Header == "" {
		return Principal{}, false
	}
	name := strings.TrimSpace(r.Header.Get(a.Header))
	if name == "" || !a.fromProxy(r.RemoteAddr) {
		return Principal{}, false
	}
	role, ok := a.Roles[name]
	if !ok {
		role = a.DefaultRole
	}
	return Principal{Name: name, Role: role}, true
}

func (a *HeaderAuth) fromProxy(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range a.Proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ParseHeaderRoles reads a role mapping "admin=alice,bob;editor=carol".
func ParseHeaderRoles(s string) (map[string]Role, error) {
	out := map[string]Role{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		roleName, names, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%q: want ROLE=NAME,NAME", part)
		}
		role, err := ParseRole(strings.TrimSpace(roleName))
		if err != nil {
			return nil, err
		}
		for _, n := range strings.Split(names, ",") {
			if n = strings.TrimSpace(n); n != "" {
				out[n] = role
			}
		}
	}
	return out, nil
}

// ParseProxies reads a comma-separated list of CIDR prefixes or addresses.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an address or a CIDR prefix", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// credentials is what authenticate found in a request.
type credentials struct {
	p Principal
	// failed is set when the request sent a bearer token that is no
	// user's: it is refused UNAUTHENTICATED even where anonymous requests
	// may go on.
	failed bool
	// retryAfter is set when the client's address sent too many bad
	// tokens: the request is refused with 429 before its token is looked at.
	retryAfter time.Duration
}

// authenticate finds who r acts for. A bearer token is looked up among
// the users (and the single Options.Token, an admin named "admin"); a
// wrong one counts against the client's address, which is refused for a
// while once it has sent too many. Without a token, a trusted proxy's
// identity header names the user. Tokens are never logged.
func (h *Handler) authenticate(r *http.Request) credentials {
	scheme, token, hasAuth := strings.Cut(r.Header.Get("Authorization"), " ")
	if !hasAuth || !strings.EqualFold(scheme, "Bearer") {
		if p, ok := h.opts.HeaderAuth.principal(r); ok {
			return credentials{p: p}
		}
		return credentials{}
	}
	addr := clientAddr(r.RemoteAddr)
	if wait := h.failures.blocked(addr, time.Now()); wait > 0 {
		h.rateLimited.Add(1)
		return credentials{retryAfter: wait}
	}
	token = strings.TrimSpace(token)
	if p, ok := h.opts.Users.lookup(token); ok {
		return credentials{p: p}
	}
	if h.single != nil {
		if p, ok := h.single.lookup(token); ok {
			return credentials{p: p}
		}
	}
	h.authFailures.Add(1)
	h.failures.fail(addr, time.Now())
	h.log.WarnContext(r.Context(), "a request sent a bearer token that is no user's", "remote", addr)
	return credentials{failed: true}
}

// AuthStats counts refused credentials: bad bearer tokens, and requests
// refused because their address had sent too many.
type AuthStats struct {
	Failures    uint64
	RateLimited uint64
}

// AuthStats returns the handler's counts of refused credentials.
func (h *Handler) AuthStats() AuthStats {
	return AuthStats{Failures: h.authFailures.Load(), RateLimited: h.rateLimited.Load()}
}

func clientAddr(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}

// need returns nil when ctx may do what role allows, Unauthorized when it
// has no (or bad) credentials and Forbidden when its user's role is too low.
func need(ctx context.Context, role Role) error {
	p := PrincipalFrom(ctx)
	if p.Role >= role {
		return nil
	}
	if bad, _ := ctx.Value(badTokenKey{}).(bool); bad {
		return graph.Errorf(graph.Unauthorized, "the bearer token is no user's: send Authorization: Bearer TOKEN with a user's token")
	}
	if p.Name == "" {
		return graph.Errorf(graph.Unauthorized, "this needs a user with the %s role: send Authorization: Bearer TOKEN", role)
	}
	return graph.Errorf(graph.Forbidden, "user %q is a %s; this needs the %s role", p.Name, p.Role, role)
}

// failureLimiter is a token bucket per client address, spent by bad
// tokens: an address may send burst of them at once and then one every
// refill; past that it is refused until its bucket refills.
type failureLimiter struct {
	mu      sync.Mutex
	burst   float64
	refill  time.Duration
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newFailureLimiter(burst int, refill time.Duration) *failureLimiter {
	return &failureLimiter{burst: float64(burst), refill: refill, buckets: map[string]*bucket{}}
}

func (l *failureLimiter) level(b *bucket, now time.Time) float64 {
	return math.Min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.refill))
}

// blocked returns how long addr must wait before its next token is looked
// at; 0 when it may send one now.
func (l *failureLimiter) blocked(addr string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[addr]
	if !ok {
		return 0
	}
	lvl := l.level(b, now)
	if lvl >= 1 {
		return 0
	}
	return time.Duration((1 - lvl) * float64(l.refill))
}

// fail spends one token of addr's bucket.
func (l *failureLimiter) fail(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buckets) > 100_000 {
		// Forget full buckets so that many addresses cannot grow the map
		// without bound.
		for k, b := range l.buckets {
			if l.level(b, now) >= l.burst {
				delete(l.buckets, k)
			}
		}
	}
	b, ok := l.buckets[addr]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	b.tokens = math.Max(0, l.level(b, now)-1)
	b.at = now
}

// retryAfterSeconds rounds a wait up to whole seconds for Retry-After.
func retryAfterSeconds(d time.Duration) string {
	return fmt.Sprint(int(math.Ceil(d.Seconds())))
}
