package schema

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/claimgraph/claimgraph/graph"
	"github.com/claimgraph/claimgraph/seed"
)

// The users of the role tests, by role; their tokens are their names.
var testUsers = []User{
	{Name: "rita", Role: "reader", SHA256: TokenDigest("rita-token")},
	{Name: "ed", Role: "editor", SHA256: TokenDigest("ed-token")},
	{Name: "ada", Role: "admin", SHA256: TokenDigest("ada-token")},
}

func usersOf(tb testing.TB, list []User) *Users {
	tb.Helper()
	u, err := NewUsers(list)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// serverImporter imports with seed.Import, as claimgraph serve does.
func serverImporter(st graph.Store) Importer {
	return func(ctx context.Context, req ImportRequest) (graph.Summary, error) {
		rep, err := seed.Import(ctx, st, []seed.Input{{Name: req.Name, Format: seed.Format(req.Format), R: req.Body}}, seed.Options{DryRun: req.DryRun})
		return rep.Summary(), err
	}
}

// roleServer serves a fresh seeded store to the test users.
func roleServer(tb testing.TB, opts Options) (*httptest.Server, graph.Store) {
	tb.Helper()
	st := seeded(tb)
	opts.Users = usersOf(tb, testUsers)
	opts.Import = serverImporter(st)
	srv := httptest.NewServer(handlerOn(tb, st, opts))
	tb.Cleanup(srv.Close)
	return srv, st
}

// roleCases are the callers of the role tests: their token and role.
var roleCases = []struct {
	who   string
	token string
	role  Role
}{
	{"anonymous", "", RoleNone},
	{"reader", "rita-token", RoleReader},
	{"editor", "ed-token", RoleEditor},
	{"admin", "ada-token", RoleAdmin},
}

// wantAuthCode is the code a caller of role gets for an operation that
// needs need: none when the role suffices.
func wantAuthCode(role, need Role) string {
	switch {
	case role >= need:
		return ""
	case role == RoleNone:
		return CodeUnauthenticated
	}
	return CodeForbidden
}

func TestEveryMutationHasARole(t *testing.T) {
	h := handlerOn(t, seeded(t), Options{})
	var fields []string
	for name := range h.cur.schema.MutationType().Fields() {
		fields = append(fields, name)
	}
	sort.Strings(fields)
	var inTable []string
	for name := range mutationRoles {
		inTable = append(inTable, name)
	}
	sort.Strings(inTable)
	if !slices.Equal(fields, inTable) {
		t.Errorf("mutations %v, role table %v", fields, inTable)
	}
}

func TestRolesOfMutations(t *testing.T) {
	// The role each mutation needs, and one write per mutation that succeeds on the seeded store for a
	// caller who may make it.
	mutations := map[string]struct {
		need  Role
		query string
		setup func(tb testing.TB, st graph.Store) // prepares the store, when set
	}{
		"addSource":      {RoleEditor, `mutation { addSource(id: "wire-1", title: "A wire report") { id } }`, nil},
		"addEntity":      {RoleEditor, `mutation { addEntity(id: "iran", type: "Country", name: "Iran") { id } }`, nil},
		"updateEntity":   {RoleEditor, `mutation { updateEntity(id: "india", description: "A country.") { id } }`, nil},
		"addStatement":   {RoleEditor, `mutation { addStatement(subject: "india", type: "accused-of-backing", object: "bla", id: "x1", claim: {source: "src-86013d487e35f14f", claimant: "afghanistan", stance: ASSERTS, id: "x1c"}) { id } }`, nil},
		"addClaim":       {RoleEditor, `mutation { addClaim(relation: "india.accused-of-backing.bla", claim: {source: "src-86013d487e35f14f", claimant: "afghanistan", stance: ASSERTS, id: "x2c"}) { id } }`, nil},
		"retractClaim":   {RoleEditor, `mutation { retractClaim(id: "india.accused-of-backing.bla~src-86013d487e35f14f~india") { removed } }`, nil},
		"importFacts":    {RoleEditor, `mutation { importFacts(data: "entities:\n  - {id: lashkar, type: Group, name: Lashkar}\n") { added } }`, nil},
		"retractSource":  {RoleAdmin, `mutation { retractSource(id: "src-86013d487e35f14f") { removed } }`, nil},
		"deleteEntity":   {RoleAdmin, `mutation { deleteEntity(id: "ttp", cascade: true) { statements } }`, nil},
		"judgeCandidate": {RoleEditor, `mutation { judgeCandidate(a: "ttp", b: "bla", verdict: DIFFERENT) { verdict } }`, nil},
		"mergeEntities":  {RoleEditor, `mutation { mergeEntities(keep: "ttp", merge: ["bla"]) { joined } }`, nil},
		"unmergeEntities": {RoleEditor, `mutation { unmergeEntities(id: "bla") { merged } }`, func(tb testing.TB, st graph.Store) {
			if _, err := st.(graph.Merger).Merge(tb.Context(), "ttp", []string{"bla"}, "setup"); err != nil {
				tb.Fatal(err)
			}
		}},
	}
	if len(mutations) != len(mutationRoles) {
		t.Fatalf("the test covers %d mutations, the role table has %d", len(mutations), len(mutationRoles))
	}
	for name, m := range mutations {
		if mutationRoles[name] != m.need {
			t.Errorf("mutationRoles gives %s to %s, want %s", mutationRoles[name], name, m.need)
		}
		query := m.query
		for _, c := range roleCases {
			want := wantAuthCode(c.role, m.need)
			t.Run(name+" by "+c.who+" gets "+orDefault(want, "through"), func(t *testing.T) {
				srv, st := roleServer(t, Options{})
				if m.setup != nil {
					m.setup(t, st)
				}
				before := storeState(t, st)
				_, resp := post(t, srv.URL, c.token, query)
				codes := codesOf(resp)
				if want == "" {
					if len(codes) > 0 {
						t.Fatalf("codes %v (%+v), want none", codes, resp.Errors)
					}
					return
				}
				if !slices.Equal(codes, []string{want}) {
					t.Fatalf("codes %v, want %s", codes, want)
				}
				if !reflect.DeepEqual(storeState(t, st), before) {
					t.Error("a refused write changed the store")
				}
			})
		}
	}
}

func TestRolesOfTheImportEndpoint(t *testing.T) {
	const facts = "entities:\n  - {id: lashkar, type: Group, name: Lashkar}\n"
	for _, dry := range []bool{false, true} {
		for _, c := range roleCases {
			want := map[Role]int{RoleNone: 401, RoleReader: 403, RoleEditor: 200, RoleAdmin: 200}[c.role]
			if dry {
				want = 200 // a dry run writes nothing: it needs no role
			}
			name := "import"
			if dry {
				name = "dry run"
			}
			t.Run(name+" by "+c.who+" is "+http.StatusText(want), func(t *testing.T) {
				srv, st := roleServer(t, Options{})
				url := srv.URL + "/import?format=yaml"
				if dry {
					url += "&dryRun=true"
				}
				h := srv.Config.Handler.(*Handler)
				mux := httptest.NewServer(h.ImportHandler())
				t.Cleanup(mux.Close)
				url = strings.Replace(url, srv.URL, mux.URL, 1)
				req, _ := http.NewRequestWithContext(t.Context(), "POST", url, strings.NewReader(facts))
				if c.token != "" {
					req.Header.Set("Authorization", "Bearer "+c.token)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Fatalf("status %d, want %d", resp.StatusCode, want)
				}
				_, err = st.Entity(t.Context(), "lashkar")
				if wrote := err == nil; wrote != (want == 200 && !dry) {
					t.Errorf("lashkar stored: %v", wrote)
				}
			})
		}
	}
}

func TestReadsMayNeedAUser(t *testing.T) {
	const q = `{ entity(id: "india") { name } }`
	for _, tc := range []struct {
		name         string
		requireReads bool
		token        string
		status       int
	}{
		{"open reads answer anonymous requests", false, "", 200},
		{"open reads answer a bad token as anonymous", false, "guess", 200},
		{"closed reads refuse anonymous requests with 401", true, "", 401},
		{"closed reads refuse a bad token with 401", true, "guess", 401},
		{"closed reads answer a reader", true, "rita-token", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := roleServer(t, Options{RequireAuthForReads: tc.requireReads})
			status, resp := post(t, srv.URL, tc.token, q)
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			if tc.status == 401 && !slices.Equal(codesOf(resp), []string{CodeUnauthenticated}) {
				t.Errorf("codes %v", codesOf(resp))
			}
			if tc.status == 200 && len(resp.Errors) > 0 {
				t.Errorf("errors %+v", resp.Errors)
			}
		})
	}
}

func TestBadTokensAreRateLimitedPerAddress(t *testing.T) {
	st := seeded(t)
	h := handlerOn(t, st, Options{Users: usersOf(t, testUsers), AuthFailureBurst: 3, AuthFailureRefill: time.Hour})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	const q = `{ entity(id: "india") { name } }`
	for i := range 3 {
		if status, _ := post(t, srv.URL, "guess", q); status != 200 {
			t.Fatalf("bad token %d: status %d, want 200 (answered as anonymous)", i+1, status)
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL, strings.NewReader(`{"query":"{ entity(id: \"india\") { name } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer ada-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("after the burst even a good token gets %d (Retry-After %q), want 429 with Retry-After",
			resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if status, resp := post(t, srv.URL, "", q); status != 200 || len(resp.Errors) > 0 {
		t.Errorf("a request without a token: status %d, errors %+v", status, resp.Errors)
	}
	if s := h.AuthStats(); s.Failures != 3 || s.RateLimited != 1 {
		t.Errorf("stats %+v, want 3 failures and 1 rate-limited", s)
	}
}

func TestTrustedHeader(t *testing.T) {
	const write = `mutation { addEntity(id: "iran", type: "Country", name: "Iran") { id } }`
	local := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	elsewhere := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		name    string
		proxies []netip.Prefix
		user    string
		want    string
	}{
		{"from a trusted proxy a mapped editor writes", local, "carol", ""},
		{"from a trusted proxy an unmapped user gets the default role", local, "dave", CodeForbidden},
		{"from any other address the header is ignored", elsewhere, "carol", CodeUnauthenticated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := seeded(t)
			srv := httptest.NewServer(handlerOn(t, st, Options{HeaderAuth: &HeaderAuth{Header: "X-Forwarded-User", Proxies: tc.proxies,
				Roles: map[string]Role{"carol": RoleEditor}, DefaultRole: RoleReader}}))
			t.Cleanup(srv.Close)
			req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL, strings.NewReader(`{"query":`+strconvQuote(write)+`}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-User", tc.user)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out Response
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(codesOf(out), ","); got != tc.want {
				t.Fatalf("codes %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTokensTable(t *testing.T) {
	for _, tc := range []struct {
		name string
		list []User
		ok   bool
	}{
		{"a sound table is taken", testUsers, true},
		{"an unknown role is refused", []User{{Name: "x", Role: "owner", SHA256: TokenDigest("t")}}, false},
		{"a digest that is not 64 hex digits is refused", []User{{Name: "x", Role: "reader", SHA256: "t"}}, false},
		{"a name given twice is refused", []User{{Name: "x", Role: "reader", SHA256: TokenDigest("a")}, {Name: "x", Role: "reader", SHA256: TokenDigest("b")}}, false},
		{"a user without a name is refused", []User{{Role: "reader", SHA256: TokenDigest("a")}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := usersOf(t, testUsers)
			err := u.Replace(tc.list)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
			if _, ok := u.lookup("ada-token"); !ok {
				t.Error("a refused table replaced the old one")
			}
		})
	}
	u := usersOf(t, testUsers)
	if p, ok := u.lookup("ed-token"); !ok || p != (Principal{Name: "ed", Role: RoleEditor}) {
		t.Errorf("lookup(ed-token) = %+v, %v", p, ok)
	}
	if _, ok := u.lookup(TokenDigest("ed-token")); ok {
		t.Error("the digest itself works as a token")
	}
}

func TestAuditLogIsForAdmins(t *testing.T) {
	srv, _ := roleServer(t, Options{})
	if _, resp := post(t, srv.URL, "ed-token", `mutation { addEntity(id: "iran", type: "Country", name: "Iran") { id } }`); len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	const q = `{ auditLog(first: 5) { nodes { user at operation ids changes { id change fields } } pageInfo { hasNextPage } } }`
	// The admin asks first: a cached answer must not reach the others.
	_, resp := post(t, srv.URL, "ada-token", q)
	if len(resp.Errors) > 0 {
		t.Fatalf("admin: %+v", resp.Errors)
	}
	var d struct {
		AuditLog struct {
			Nodes []struct {
				User, At, Operation string
				IDs                 []string
			}
		}
	}
	if err := json.Unmarshal(resp.Data, &d); err != nil {
		t.Fatal(err)
	}
	if n := d.AuditLog.Nodes; len(n) != 2 || n[0].User != "ed" || n[0].Operation != "addEntity" || !slices.Equal(n[0].IDs, []string{"entity:iran"}) {
		t.Errorf("audit log %+v, want ed's addEntity of iran, then the seed", n)
	}
	for _, c := range roleCases {
		want := wantAuthCode(c.role, RoleAdmin)
		t.Run(c.who+" gets "+orDefault(want, "the log"), func(t *testing.T) {
			_, resp := post(t, srv.URL, c.token, q)
			if got := strings.Join(codesOf(resp), ","); got != want {
				t.Errorf("codes %q, want %q", got, want)
			}
		})
	}
}
