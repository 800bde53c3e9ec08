package main

// Tests in a real browser: Debian's Chromium, headless, driven over the
// DevTools protocol by chromedp, against `claimgraph serve` started through
// run. Every page load records each request, console message and exception;
// a test fails when a request leaves the server's origin or the console
// shows an error. Screenshots go to $CLAIMGRAPH_ARTIFACTS (a temporary
// directory when unset). Without a Chromium binary the tests skip, except
// under CI=true, where they fail.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds one wait in the browser. The CI machines are small
// and shared, so it is generous; the waits poll DOM conditions and return as
// soon as they hold.
const browserTimeout = 60 * time.Second

// chromiumPath finds a Chromium or Chrome binary: $CLAIMGRAPH_CHROMIUM, then
// the usual names on $PATH. It returns "" when there is none.
func chromiumPath() string {
	if p := os.Getenv("CLAIMGRAPH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// artifactsDir is where a test saves its screenshots and downloads:
// $CLAIMGRAPH_ARTIFACTS/<test name> when set, else a temporary directory.
func artifactsDir(tb testing.TB) string {
	tb.Helper()
	root := os.Getenv("CLAIMGRAPH_ARTIFACTS")
	if root == "" {
		return tb.TempDir()
	}
	dir := filepath.Join(root, strings.NewReplacer("/", "_", " ", "_").Replace(tb.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("artifacts dir: %v", err)
	}
	return dir
}

// tab is one headless Chromium tab with what it has seen.
type tab struct {
	ctx       context.Context
	origin    string // scheme://host:port of the server under test
	artifacts string
	downloads string

	mu       sync.Mutex
	requests []string
	problems []string // console errors and warnings, exceptions, browser log errors
}

// newTab starts a fresh headless Chromium (its own user-data-dir) with a
// 1366×768 window, ready to load pages of the server at origin.
func newTab(t *testing.T, origin string) *tab {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		msg := "no Chromium binary found (install Debian's chromium, or set CLAIMGRAPH_CHROMIUM): skipping the browser tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " — they are required under CI=true")
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(t.Context()), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})

	tb := &tab{ctx: ctx, origin: origin, artifacts: artifactsDir(t)}
	tb.downloads = filepath.Join(tb.artifacts, "downloads")
	if err := os.MkdirAll(tb.downloads, 0o755); err != nil {
		t.Fatal(err)
	}
	// Start the browser with no deadline: its life is the test's.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:     browser.SetDownloadBehaviorBehaviorAllow,
		DownloadPath: tb.downloads,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	return tb
}

// record keeps the requests and the problems the page reports. It runs in
// chromedp's event loop, so it only appends under the lock.
func (tb *tab) record(ev any) {
	var req, problem string
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		req = ev.Request.URL
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			problem = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		problem = fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			problem = fmt.Sprintf("browser log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	}
	if req == "" && problem == "" {
		return
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if req != "" {
		tb.requests = append(tb.requests, req)
	}
	if problem != "" {
		tb.problems = append(tb.problems, problem)
	}
}

// do runs browser steps with a deadline, failing the test with what on error.
func (tb *tab) do(t testing.TB, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.fatalf(t, "%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](t testing.TB, tb *tab, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.fatalf(t, "evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor waits until the JavaScript expression is truthy. A poll that
// started in a document a navigation has just replaced is started again.
func (tb *tab) waitFor(t testing.TB, what, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserTimeout+5*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingTimeout(browserTimeout), chromedp.WithPollingInterval(50*time.Millisecond)))
		if err != nil && ctx.Err() == nil && strings.Contains(err.Error(), "Cannot find context with specified id") {
			continue
		}
		if err != nil {
			tb.fatalf(t, "waiting for %s (%s): %v", what, expr, err)
		}
		return
	}
}

// fatalf saves a screenshot of the failure, named for the subtest so that
// a later failure does not replace it, and the page's messages, then fails
// the test.
func (tb *tab) fatalf(t testing.TB, format string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	name := "failure"
	if _, sub, ok := strings.Cut(t.Name(), "/"); ok {
		name += "-" + strings.Map(func(r rune) rune {
			if r == '/' || r == ' ' || r == '\'' || r == ',' || r == ';' {
				return '_'
			}
			return r
		}, sub)
	}
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		p := filepath.Join(tb.artifacts, name+".png")
		if os.WriteFile(p, png, 0o644) == nil {
			t.Logf("screenshot of the failure: %s", p)
		}
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[role="status"], [role="alert"], .message, .error')]
		.map(e => e.textContent.trim()).filter(Boolean).join(" | ")`))
	if err == nil && shown != "" {
		t.Logf("the page's messages: %s", shown)
	}
	t.Fatalf(format, args...)
}

// screenshot saves the viewport as NAME.png in the artifacts folder.
func (tb *tab) screenshot(t testing.TB, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.fatalf(t, "screenshot %s: %v", name, err)
	}
	p := filepath.Join(tb.artifacts, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
	return p
}

// checkClean fails the test when the page sent a request to another origin
// or reported a console error, an exception or a browser log error.
func (tb *tab) checkClean(t testing.TB) {
	t.Helper()
	// A round trip: events sent before its reply have been recorded.
	eval[chromedp.Void](t, tb, "0")
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.requests) == 0 {
		t.Error("no request recorded: the network listener saw nothing")
	}
	for _, r := range tb.requests {
		if strings.HasPrefix(r, "data:") || strings.HasPrefix(r, "blob:") {
			continue
		}
		u, err := url.Parse(r)
		if err != nil || u.Scheme+"://"+u.Host != tb.origin {
			t.Errorf("request left the server's origin %s: %s", tb.origin, r)
		}
	}
	for _, p := range tb.problems {
		t.Errorf("page reported: %s", p)
	}
}

// waitDownload waits until the file name appears, complete, in the
// downloads folder and returns its contents.
func (tb *tab) waitDownload(t testing.TB, name string) []byte {
	t.Helper()
	p := filepath.Join(tb.downloads, name)
	deadline := time.Now().Add(browserTimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		// Chromium writes to a .crdownload file and renames it when done.
		if b, err := os.ReadFile(p); err == nil && len(b) > 0 {
			return b
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("read download %s: %v", p, err)
		}
		if time.Now().After(deadline) {
			tb.fatalf(t, "download %s did not arrive within %s", name, browserTimeout)
		}
		<-tick.C
	}
}

// explorerIdle is true once the explorer has drawn the state in its URL.
const explorerIdle = `document.body.dataset.busy === "false"`

// cyJS evaluates to the explorer's Cytoscape instance. Cytoscape keeps it on
// its container; the page itself exposes no globals.
const cyJS = `document.getElementById("cy")._cyreg.cy`

// clickElement clicks the centre of a graph element (node or edge) with the
// mouse, where Cytoscape has drawn it.
func (tb *tab) clickElement(t testing.TB, id string) {
	t.Helper()
	pos := eval[struct{ X, Y float64 }](t, tb, fmt.Sprintf(`(() => {
		const cy = %s, e = cy.getElementById(%q);
		if (!e.length) throw new Error("no element %s in the graph");
		const p = e.isNode() ? e.renderedPosition() : e.renderedMidpoint();
		const box = cy.container().getBoundingClientRect();
		return {X: box.left + p.x, Y: box.top + p.y};
	})()`, cyJS, id, id))
	tb.do(t, "click "+id, chromedp.MouseClickXY(pos.X, pos.Y))
}

// pickSuggestion types text into a combobox input, waits for a suggestion
// whose text contains want, moves to it with the arrow keys and picks it with
// Enter, as a keyboard user would.
func (tb *tab) pickSuggestion(t testing.TB, input, text, want string) {
	t.Helper()
	list := input + "-list"
	tb.do(t, "type into #"+input, chromedp.Focus(chromedp.ID(input)), chromedp.SendKeys(chromedp.ID(input), text))
	// The list answers the whole text once its query says so; an answer to
	// part of the text may show first.
	tb.waitFor(t, "suggestions for "+text, fmt.Sprintf(
		`document.getElementById(%q).dataset.query === %q && [...document.querySelectorAll("#%s [role=option]")].some(o => o.textContent.includes(%q))`, list, strings.TrimSpace(text), list, want))
	n := eval[int](t, tb, fmt.Sprintf(
		`[...document.querySelectorAll("#%s [role=option]")].findIndex(o => o.textContent.includes(%q))`, list, want))
	for range n {
		tb.do(t, "arrow down", chromedp.KeyEvent("\ue015")) // kb.ArrowDown
	}
	tb.waitFor(t, "the suggestion is active", fmt.Sprintf(
		`document.getElementById(%q).getAttribute("aria-activedescendant") === "%s-%d"`, input, list, n))
	tb.do(t, "press Enter", chromedp.KeyEvent("\r"))
}

func TestBrowserExplorer(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	tb := newTab(t, s.url)

	tb.do(t, "load /explore", chromedp.Navigate(s.url+"/explore"))
	tb.waitFor(t, "the explorer to start", explorerIdle+` && document.querySelectorAll("#filter-types input").length > 0`)
	if got := eval[string](t, tb, `document.title`); got != "claimgraph explorer" {
		t.Errorf("title = %q", got)
	}
	tb.screenshot(t, "explorer-first-visit")

	t.Run("search TTP shows its neighbourhood", func(t *testing.T) {
		tb.pickSuggestion(t, "search", "TTP", "Tehrik-e-Taliban Pakistan")
		tb.waitFor(t, "TTP's neighbourhood", explorerIdle+` && location.search.includes("show=ttp") && `+cyJS+`.nodes().length >= 5`)
		if got := eval[string](t, tb, `document.getElementById("entity-title").textContent`); got != "Tehrik-e-Taliban Pakistan" {
			t.Errorf("details panel shows %q, want Tehrik-e-Taliban Pakistan", got)
		}
		nodes := eval[[]string](t, tb, cyJS+`.nodes().map(n => n.id()).sort()`)
		want := []string{"afghan-taliban", "afghanistan", "india", "pakistan", "ttp"}
		if strings.Join(nodes, ",") != strings.Join(want, ",") {
			t.Errorf("nodes = %v, want %v", nodes, want)
		}
	})

	t.Run("clicking a node expands it", func(t *testing.T) {
		tb.clickElement(t, "afghan-taliban")
		tb.waitFor(t, "the Afghan Taliban's neighbourhood", explorerIdle+` && location.search.includes("show=ttp,afghan-taliban") && `+
			cyJS+`.getElementById("x-accounts-afghanistan").length === 1`)
		if got := eval[string](t, tb, `document.getElementById("entity-title").textContent`); got != "Afghan Taliban" {
			t.Errorf("details panel shows %q, want Afghan Taliban", got)
		}
	})

	t.Run("paths from India to the Afghan Taliban", func(t *testing.T) {
		tb.pickSuggestion(t, "path-from", "Indi", "India")
		tb.pickSuggestion(t, "path-to", "afghan tal", "Afghan Taliban")
		tb.do(t, "find paths", chromedp.Click(chromedp.ID("path-find")))
		tb.waitFor(t, "the paths", explorerIdle+` && location.search.includes("from=india&to=afghan-taliban") && document.querySelectorAll("#paths-list .path").length > 0`)

		type hop struct {
			Status, Line, Why, Rel string
		}
		first := eval[[]hop](t, tb, `[...document.querySelectorAll("#paths-list .path")[0].querySelectorAll(".hop")].map(b => ({
			Status: b.querySelector(".badge").textContent, Line: b.querySelector(".line").textContent,
			Why: (b.querySelector(".why") || {}).textContent || "", Rel: b.dataset.rel}))`)
		want := []hop{
			{"DISPUTED", "DISPUTED India —accused of backing→ Tehrik-e-Taliban Pakistan", "alleged by Pakistan; denied by India", "relation:india.accused-of-backing.ttp"},
			{"REPORTED", "REPORTED Tehrik-e-Taliban Pakistan —allied with— Afghan Taliban", "reported by “Pakistan warns it may block social media platforms for non-compliance”", "relation:ttp.allied-with.afghan-taliban"},
		}
		if fmt.Sprint(first) != fmt.Sprint(want) {
			t.Errorf("first path hops =\n%+v\nwant\n%+v", first, want)
		}
		if n := eval[int](t, tb, `document.querySelectorAll("#paths-list .path").length`); n != 3 {
			t.Errorf("%d paths listed, want the 3 best", n)
		}

		// The disputed hop must look different from the reported one on the
		// highlighted path: another colour and a heavier line.
		type edgeStyle struct {
			Color, Width string
			OnPath       bool
		}
		style := func(id string) edgeStyle {
			return eval[edgeStyle](t, tb, fmt.Sprintf(`(() => { const e = %s.getElementById(%q);
				return {Color: e.style("line-color"), Width: e.style("width"), OnPath: e.hasClass("on-path")}; })()`, cyJS, id))
		}
		disputed, reported := style("relation:india.accused-of-backing.ttp"), style("relation:ttp.allied-with.afghan-taliban")
		if !disputed.OnPath || !reported.OnPath {
			t.Errorf("path edges not highlighted: disputed %+v, reported %+v", disputed, reported)
		}
		if disputed.Color == reported.Color || disputed.Width == reported.Width {
			t.Errorf("disputed hop drawn like the reported one: %+v vs %+v", disputed, reported)
		}
		if disputed.Color != "rgb(220,38,38)" {
			t.Errorf("disputed hop colour = %s, want red rgb(220,38,38)", disputed.Color)
		}
		tb.screenshot(t, "explorer-path-india-afghan-taliban")
	})

	t.Run("clicking an edge shows its claims", func(t *testing.T) {
		tb.clickElement(t, "relation:india.accused-of-backing.ttp")
		tb.waitFor(t, "the claims panel", explorerIdle+` && document.querySelectorAll("#detail-panel .claim").length === 2`)
		type claim struct{ Stance, Who, Quote, Text string }
		claims := eval[[]claim](t, tb, `[...document.querySelectorAll("#detail-panel .claim")].map(c => ({
			Stance: c.querySelector(".badge").textContent, Who: c.querySelector(".who").textContent,
			Quote: c.querySelector("blockquote").textContent, Text: c.querySelector("dl").textContent}))`)
		byStance := map[string]claim{}
		for _, c := range claims {
			byStance[c.Stance] = c
		}
		if c := byStance["ASSERTS"]; c.Who != "Pakistan" || c.Quote != "“Pakistan frequently accuses Afghanistan and India of backing the BLA and TTP”" {
			t.Errorf("asserting claim = %+v", c)
		}
		if c := byStance["DENIES"]; c.Who != "India" || c.Quote != "“allegations both countries deny”" {
			t.Errorf("denying claim = %+v", c)
		}
		for _, c := range claims {
			// The built-in seed is recorded by the user who started serve.
			for _, want := range []string{"Pakistan warns it may block social media platforms for non-compliance", "date not given", "not graded", "Recordedby "} {
				if !strings.Contains(c.Text, want) {
					t.Errorf("%s claim facts %q lack %q", c.Stance, c.Text, want)
				}
			}
		}
		title := eval[string](t, tb, `document.getElementById("relation-title").textContent`)
		if title != "India → accused of backing → Tehrik-e-Taliban Pakistan" {
			t.Errorf("relation title = %q", title)
		}
		tb.screenshot(t, "explorer-claims")
	})

	t.Run("the URL restores the view", func(t *testing.T) {
		shared := eval[string](t, tb, `location.href`)
		for _, want := range []string{"show=ttp,afghan-taliban", "from=india", "to=afghan-taliban", "sel=relation:india.accused-of-backing.ttp"} {
			if !strings.Contains(shared, want) {
				t.Errorf("URL %s lacks %s", shared, want)
			}
		}
		// Forget the last view the page keeps, and leave the page: only the
		// URL can bring the view back.
		eval[chromedp.Void](t, tb, `localStorage.clear()`)
		tb.do(t, "leave the explorer", chromedp.Navigate("about:blank"))
		tb.do(t, "open the shared URL", chromedp.Navigate(shared))
		tb.waitFor(t, "the restored view", explorerIdle+` && document.querySelectorAll("#paths-list .path").length === 3 && document.querySelectorAll("#detail-panel .claim").length === 2`)
		if got := eval[string](t, tb, `document.getElementById("path-from").value + " → " + document.getElementById("path-to").value`); got != "India → Afghan Taliban" {
			t.Errorf("path inputs = %q", got)
		}
	})

	t.Run("a status filter reroutes the paths", func(t *testing.T) {
		tb.do(t, "uncheck DISPUTED", chromedp.Click(chromedp.CSS(`#filter-status input[value="DISPUTED"]`)))
		tb.waitFor(t, "the filtered paths", explorerIdle+` && location.search.includes("status=REPORTED,ALLEGED,DENIED") && document.querySelectorAll("#paths-list .hop").length > 0`)
		statuses := eval[[]string](t, tb, `[...document.querySelectorAll("#paths-list .hop .badge")].map(b => b.textContent)`)
		for _, st := range statuses {
			if st == "DISPUTED" {
				t.Errorf("a DISPUTED hop is listed with DISPUTED filtered out: %v", statuses)
			}
		}
		if n := eval[int](t, tb, cyJS+`.edges('[status = "DISPUTED"]').length`); n != 0 {
			t.Errorf("%d disputed edges drawn with DISPUTED filtered out", n)
		}
		tb.screenshot(t, "explorer-filtered")
		tb.do(t, "check DISPUTED again", chromedp.Click(chromedp.CSS(`#filter-status input[value="DISPUTED"]`)))
		tb.waitFor(t, "all statuses", explorerIdle+` && !location.search.includes("status=") && document.querySelectorAll("#paths-list .hop.DISPUTED").length > 0`)
	})

	t.Run("export JSON and PNG", func(t *testing.T) {
		tb.do(t, "export JSON", chromedp.Click(chromedp.ID("export-json")))
		var view struct {
			Entities  []struct{ ID string }
			Relations []struct {
				ID, Status string
				Claims     []json.RawMessage
			}
			Paths *struct{ From, To string }
		}
		if err := json.Unmarshal(tb.waitDownload(t, "claimgraph-india-to-afghan-taliban.json"), &view); err != nil {
			t.Fatalf("exported JSON: %v", err)
		}
		if view.Paths == nil || view.Paths.From != "india" || view.Paths.To != "afghan-taliban" {
			t.Errorf("exported paths = %+v", view.Paths)
		}
		var found bool
		for _, r := range view.Relations {
			if r.ID == "relation:india.accused-of-backing.ttp" {
				found = r.Status == "DISPUTED" && len(r.Claims) == 2
			}
		}
		if !found || len(view.Entities) < 5 {
			t.Errorf("exported view lacks the disputed relation with its claims: %d entities, %d relations", len(view.Entities), len(view.Relations))
		}

		tb.do(t, "export PNG", chromedp.Click(chromedp.ID("export-png")))
		png := tb.waitDownload(t, "claimgraph-india-to-afghan-taliban.png")
		if !strings.HasPrefix(string(png), "\x89PNG\r\n\x1a\n") {
			t.Errorf("exported PNG starts %q", png[:min(8, len(png))])
		}
	})

	t.Run("keyboard: tab order reaches the controls", func(t *testing.T) {
		tb.do(t, "focus the search box", chromedp.Focus(chromedp.ID("search")))
		seen := map[string]bool{}
		for range 40 {
			tb.do(t, "press Tab", chromedp.KeyEvent("\t"))
			id := eval[string](t, tb, `document.activeElement.id || document.activeElement.className || document.activeElement.tagName`)
			seen[id] = true
		}
		for _, want := range []string{"path-from", "path-to", "path-rank", "path-k", "path-find", "filter-asof", "export-png", "export-json"} {
			if !seen[want] {
				t.Errorf("Tab never reached #%s (reached %v)", want, seen)
			}
		}
	})

	tb.checkClean(t)
}

// playgroundTab is one example tab of the playground, as the test runs it.
type playgroundTab struct {
	name  string   // the operation name GraphiQL shows as the tab's title
	needs []string // "Type.field" the tab's operation needs in the schema
	check func(t *testing.T, data map[string]any)
	// then, when set, runs once the tab's operation was started: a
	// subscription answers when something is written.
	then func(t *testing.T)
}

func TestBrowserPlayground(t *testing.T) {
	// The import tab is a dry run, which writes nothing and so needs no
	// token: its header "Authorization: Bearer <token>" is a placeholder,
	// which the server takes for no user. The server has a token only for
	// the denial the StatusChanges tab waits for, written by the test.
	const token = "browser-test-token"
	s := startServer(t, "--store", "memory:", "--token", token)
	// Which fields the served schema has: some example tabs use fields that
	// are still being added (disputes, importFacts).
	var intro struct {
		Schema struct {
			Types []struct {
				Name   string
				Fields []struct{ Name string }
			}
		} `json:"__schema"`
	}
	s.query(t, `{ __schema { types { name fields { name } } } }`, &intro)
	has := map[string]bool{}
	for _, typ := range intro.Schema.Types {
		for _, f := range typ.Fields {
			has[typ.Name+"."+f.Name] = true
		}
	}

	tabs := []playgroundTab{
		{name: "EntityWithClaims", needs: []string{"Query.entity"}, check: func(t *testing.T, data map[string]any) {
			b, _ := json.Marshal(data)
			for _, want := range []string{`"name":"India"`, `"status":"DISPUTED"`, `"stance":"DENIES"`, `allegations both countries deny`} {
				if !strings.Contains(string(b), want) {
					t.Errorf("answer lacks %s: %s", want, b)
				}
			}
		}},
		{name: "Disputes", needs: []string{"Query.disputes"}, check: func(t *testing.T, data map[string]any) {
			b, _ := json.Marshal(data)
			for _, want := range []string{"India", "Tehrik-e-Taliban Pakistan", "DENIES", "ASSERTS"} {
				if !strings.Contains(string(b), want) {
					t.Errorf("answer lacks %s: %s", want, b)
				}
			}
		}},
		{name: "PathIndiaToAfghanTaliban", needs: []string{"Query.paths"}, check: func(t *testing.T, data map[string]any) {
			b, _ := json.Marshal(data)
			for _, want := range []string{`India —accused of backing→ Tehrik-e-Taliban Pakistan`, `Tehrik-e-Taliban Pakistan —allied with— Afghan Taliban`, `"status":"DISPUTED"`} {
				if !strings.Contains(string(b), want) {
					t.Errorf("answer lacks %s: %s", want, b)
				}
			}
		}},
		{name: "ImportFactsDryRun", needs: []string{"Mutation.importFacts"}, check: func(t *testing.T, data map[string]any) {
			b, _ := json.Marshal(data)
			if !strings.Contains(string(b), `"dryRun":true`) || !strings.Contains(string(b), `"added":`) {
				t.Errorf("importFacts answered %s", b)
			}
		}},
		{name: "StatusChanges", needs: []string{"Subscription.statusChanged"}, check: func(t *testing.T, data map[string]any) {
			b, _ := json.Marshal(data)
			for _, want := range []string{`"from":"ALLEGED"`, `"to":"DISPUTED"`, `"stance":"DENIES"`} {
				if !strings.Contains(string(b), want) {
					t.Errorf("answer lacks %s: %s", want, b)
				}
			}
		}, then: func(t *testing.T) {
			time.Sleep(time.Second) // the subscription is set up
			body, _ := json.Marshal(map[string]string{"query": `mutation { addClaim(relation: "x-accounts-india.operating-from.india",
				claim: {source: "src-86013d487e35f14f", claimant: "india", stance: DENIES, quote: "allegations both countries deny"}) { id } }`})
			req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if bytes.Contains(answer, []byte(`"errors"`)) {
				t.Errorf("the denial was refused: %s", answer)
			}
		}},
	}

	tb := newTab(t, s.url)
	tb.do(t, "load the playground", chromedp.Navigate(s.url+"/"))
	tb.waitFor(t, "GraphiQL with its example tabs", fmt.Sprintf(`document.querySelectorAll(".graphiql-tab").length === %d`, len(tabs)))
	titles := eval[[]string](t, tb, `[...document.querySelectorAll(".graphiql-tab")].map(t => t.textContent.trim())`)
	for i, pt := range tabs {
		if i >= len(titles) || !strings.Contains(titles[i], pt.name) {
			t.Errorf("tab %d is titled %q, want %s (tabs: %q)", i+1, titles[min(i, len(titles)-1)], pt.name, titles)
		}
	}

	for i, pt := range tabs {
		t.Run(pt.name, func(t *testing.T) {
			for _, need := range pt.needs {
				if !has[need] {
					t.Skipf("the schema has no %s yet: skipping the %s example tab", need, pt.name)
				}
			}
			tb.do(t, "open the tab", chromedp.Click(chromedp.CSS(fmt.Sprintf(".graphiql-tab:nth-child(%d) .graphiql-tab-button", i+1))))
			tb.waitFor(t, "the tab to be active", fmt.Sprintf(`document.querySelectorAll(".graphiql-tab")[%d].classList.contains("graphiql-tab-active")`, i))
			// Every line of the example shows whole: long ones wrap.
			if over := eval[[]int](t, tb, `(() => { const s = document.querySelector(".graphiql-query-editor .CodeMirror-scroll");
				return [s.scrollWidth, s.clientWidth]; })()`); over[0] > over[1]+1 {
				t.Errorf("the %s tab's text is %d px wide in a %d px editor: lines are cut off", pt.name, over[0], over[1])
			}
			tb.do(t, "run it", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
			if pt.then != nil {
				pt.then(t)
			}
			tb.waitFor(t, "the answer", `(() => { const cm = document.querySelector(".result-window .CodeMirror");
				return cm && cm.CodeMirror.getValue().includes('"data"'); })()`)
			raw := eval[string](t, tb, `document.querySelector(".result-window .CodeMirror").CodeMirror.getValue()`)
			var resp struct {
				Data   map[string]any
				Errors []json.RawMessage
			}
			if err := json.Unmarshal([]byte(raw), &resp); err != nil {
				t.Fatalf("answer is not JSON: %v\n%s", err, raw)
			}
			if len(resp.Errors) > 0 {
				t.Errorf("the %s tab answered errors: %s", pt.name, raw)
			}
			pt.check(t, resp.Data)
			tb.screenshot(t, "playground-"+pt.name)
		})
	}

	t.Run("docs explorer", func(t *testing.T) {
		tb.do(t, "open the docs", chromedp.Click(chromedp.CSS(`button[aria-label="Show Documentation Explorer"]`)))
		tb.waitFor(t, "the docs explorer", `(() => { const d = document.querySelector(".graphiql-doc-explorer");
			return d && d.textContent.includes("Query"); })()`)
		// The schema's types are listed in name order.
		tb.waitFor(t, "the list of types", `document.querySelector(".graphiql-doc-explorer").textContent.includes("All Schema Types")`)
		names := eval[[]string](t, tb, `(() => { const title = [...document.querySelectorAll(".graphiql-doc-explorer-section-title")]
				.find(s => s.textContent.endsWith("All Schema Types"));
			const list = title && title.parentElement.querySelector(".graphiql-doc-explorer-section-content");
			return list ? [...list.querySelectorAll("a.graphiql-doc-explorer-type-name")].map(a => a.textContent) : []; })()`)
		if len(names) < 10 || !slices.IsSorted(names) {
			t.Errorf("the Docs list the types %q, want them sorted by name", names)
		}
		eval[chromedp.Void](t, tb, `[...document.querySelectorAll(".graphiql-doc-explorer-section-title")].find(s => s.textContent.endsWith("All Schema Types")).scrollIntoView()`)
		tb.screenshot(t, "playground-docs-types")
		tb.do(t, "open Query", chromedp.Click(chromedp.CSS(`.graphiql-doc-explorer a.graphiql-doc-explorer-type-name`)))
		tb.waitFor(t, "the Query fields", `document.querySelector(".graphiql-doc-explorer").textContent.includes("neighborhood")`)
		tb.screenshot(t, "playground-docs")
	})

	tb.checkClean(t)
}
