package main

// Browser tests of the explorer's pages that need a user: the Token
// control, the audit log page, and who recorded a claim.

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// browserUsers are the users of the browser tests' tokens file.
var browserUsers = [][3]string{
	{"ada", "admin", "ada-token"},
	{"ed", "editor", "ed-token"},
	{"rita", "reader", "rita-token"},
}

// startUsersServer serves the built-in seed with browserUsers.
func startUsersServer(tb testing.TB) *server {
	tb.Helper()
	tokens := filepath.Join(tb.TempDir(), "tokens.yaml")
	writeTokens(tb, tokens, browserUsers...)
	return startServer(tb, "--store", "memory:", "--tokens-file", tokens)
}

// setToken enters a bearer token with the top bar's Token control, or
// forgets it when token is "".
func (tb *tab) setToken(t testing.TB, token string) {
	t.Helper()
	tb.do(t, "open the token dialog", chromedp.Click(chromedp.ID("token-button")))
	tb.waitFor(t, "the token dialog", `document.getElementById("token-dialog").open`)
	if token == "" {
		tb.do(t, "forget the token", chromedp.Click(chromedp.ID("token-forget")))
	} else {
		eval[chromedp.Void](t, tb, `document.getElementById("token-input").value = ""`)
		tb.do(t, "type the token", chromedp.SendKeys(chromedp.ID("token-input"), token), chromedp.Click(chromedp.ID("token-save")))
	}
	tb.waitFor(t, "the dialog to close", `!document.getElementById("token-dialog").open`)
}

// overflowJS evaluates to the elements of a page wider than the window or
// cut off by their box: what a narrow window would hide.
const overflowJS = `(() => { const out = [];
	if (document.documentElement.scrollWidth > innerWidth + 1) out.push("the page is " + document.documentElement.scrollWidth + " px wide in " + innerWidth);
	document.querySelectorAll("button, a, input, select, h2, h3, td, th, li").forEach(e => {
		const r = e.getBoundingClientRect();
		if (r.width === 0 || r.height === 0) return;
		if (r.right > innerWidth + 1 || r.left < -1) out.push((e.id || e.textContent.trim().slice(0, 40)) + " " + JSON.stringify([r.left, r.right]));
		if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === "hidden") out.push((e.id || e.textContent.trim().slice(0, 40)) + " is clipped");
	});
	return out; })()`

func TestBrowserAuditLog(t *testing.T) {
	s := startUsersServer(t)
	// 24 writes by ed, after the seed: two pages of 20.
	for i := range 24 {
		if codes, _ := postAs(t, s.url, "ed-token", fmt.Sprintf(`mutation { addEntity(id: "c%02d", type: "Country", name: "Country %02d") { id } }`, i, i)); len(codes) > 0 {
			t.Fatalf("addEntity: %v", codes)
		}
	}
	tb := newTab(t, s.url)
	auditIdle := `document.body.dataset.busy === "false"`
	msgJS := `document.getElementById("audit-message").hidden ? "" : document.getElementById("audit-message").textContent`

	t.Run("without a token the page says an admin token is needed", func(t *testing.T) {
		tb.do(t, "load /explore/audit", chromedp.Navigate(s.url+"/explore/audit"))
		tb.waitFor(t, "the refusal", auditIdle+` && !document.getElementById("audit-message").hidden`)
		if msg := eval[string](t, tb, msgJS); !strings.Contains(msg, "needs a token with the admin role") {
			t.Errorf("message = %q", msg)
		}
		if n := eval[int](t, tb, `document.querySelectorAll("#audit-list tr").length`); n != 0 {
			t.Errorf("%d rows listed without a token", n)
		}
		tb.screenshot(t, "audit-no-token")
	})

	t.Run("a reader's token is refused as not an admin's", func(t *testing.T) {
		tb.setToken(t, "rita-token")
		tb.waitFor(t, "the refusal", auditIdle+` && document.getElementById("audit-message").textContent.includes("may not do this")`)
		if msg := eval[string](t, tb, msgJS); !strings.Contains(msg, "may not do this: it needs the admin role") {
			t.Errorf("message = %q, want the FORBIDDEN wording", msg)
		}
		if got := eval[string](t, tb, `document.getElementById("token-button").textContent`); got != "Token set" {
			t.Errorf("token button = %q", got)
		}
		tb.screenshot(t, "audit-reader")
	})

	t.Run("a wrong token is refused as unknown", func(t *testing.T) {
		tb.setToken(t, "no-such-token")
		tb.waitFor(t, "the refusal", auditIdle+` && document.getElementById("audit-message").textContent.includes("not accepted")`)
	})

	t.Run("an admin sees the latest writes, a page at a time", func(t *testing.T) {
		tb.setToken(t, "ada-token")
		tb.waitFor(t, "the list", auditIdle+` && document.querySelectorAll("#audit-list tbody tr").length === 20`)
		type row struct{ Who, Op, What string }
		rows := eval[[]row](t, tb, `[...document.querySelectorAll("#audit-list tbody tr")].map(r => ({
			Who: r.querySelector(".who").textContent, Op: r.querySelector(".op strong").textContent, What: r.querySelector(".what").textContent}))`)
		if r := rows[0]; r.Who != "ed" || r.Op != "addEntity" || !strings.Contains(r.What, "entity:c23") {
			t.Errorf("newest row = %+v, want ed's addEntity of c23", r)
		}
		if got := eval[string](t, tb, `document.getElementById("audit-count").textContent`); got != "1–20 of 25" {
			t.Errorf("count = %q", got)
		}
		if msg := eval[string](t, tb, msgJS); msg != "" {
			t.Errorf("message %q shown with an admin token", msg)
		}
		// The token stays with the tab only.
		if got := eval[string](t, tb, `sessionStorage.getItem("claimgraph.token") + "|" + JSON.stringify(Object.keys(localStorage))`); got != `ada-token|[]` {
			t.Errorf("session|local storage = %q", got)
		}
		tb.screenshot(t, "audit-page-1")

		tb.do(t, "older", chromedp.Click(chromedp.ID("audit-older")))
		tb.waitFor(t, "the second page", auditIdle+` && document.getElementById("audit-count").textContent === "21–25 of 25"`)
		last := eval[row](t, tb, `(() => { const r = [...document.querySelectorAll("#audit-list tbody tr")].pop();
			return {Who: r.querySelector(".who").textContent, Op: r.querySelector(".op strong").textContent, What: r.querySelector(".what").textContent}; })()`)
		if last.Op != "seed" || !strings.Contains(last.What, "and ") {
			t.Errorf("oldest row = %+v, want the seed with its changes folded", last)
		}
		if !eval[bool](t, tb, `document.getElementById("audit-older").disabled && !document.getElementById("audit-newer").disabled`) {
			t.Error("paging buttons wrong on the last page")
		}
		tb.do(t, "unfold the seed's changes", chromedp.Click(chromedp.CSS(`#audit-list tbody tr:last-child details summary`)))
		tb.screenshot(t, "audit-page-2")
		tb.do(t, "newer", chromedp.Click(chromedp.ID("audit-newer")))
		tb.waitFor(t, "the first page again", auditIdle+` && document.getElementById("audit-count").textContent === "1–20 of 25"`)
	})

	t.Run("a user filter", func(t *testing.T) {
		tb.do(t, "filter by ada", chromedp.SendKeys(chromedp.ID("audit-user"), "ada"), chromedp.KeyEvent("\r"))
		tb.waitFor(t, "no write by ada", auditIdle+` && document.getElementById("audit-list").textContent.includes("No write by “ada”")`)
		eval[chromedp.Void](t, tb, `document.getElementById("audit-user").value = ""`)
		tb.do(t, "clear the filter", chromedp.Click(chromedp.CSS(`#audit-filter button`)))
		tb.waitFor(t, "every write", auditIdle+` && document.querySelectorAll("#audit-list tbody tr").length === 20`)
	})

	t.Run("an 800 px window keeps the page whole", func(t *testing.T) {
		tb.do(t, "narrow the window", chromedp.EmulateViewport(800, 600))
		tb.do(t, "reload", chromedp.Reload())
		tb.waitFor(t, "the list", auditIdle+` && document.querySelectorAll("#audit-list tbody tr").length === 20`)
		if out := eval[[]string](t, tb, overflowJS); len(out) > 0 {
			t.Errorf("cut off at 800 px: %v", out)
		}
		tb.screenshot(t, "audit-800px")
		tb.do(t, "widen the window", chromedp.EmulateViewport(1366, 768))
	})

	t.Run("a claim's panel says who recorded it and when", func(t *testing.T) {
		if codes, _ := postAs(t, s.url, "ed-token", `mutation { addClaim(relation: "x-accounts-india.operating-from.india",
			claim: {source: "src-86013d487e35f14f", claimant: "india", stance: DENIES, quote: "allegations both countries deny"}) { id } }`); len(codes) > 0 {
			t.Fatalf("addClaim: %v", codes)
		}
		tb.do(t, "open the relation", chromedp.Navigate(s.url+"/explore?show=india&sel=relation:x-accounts-india.operating-from.india"))
		tb.waitFor(t, "its claims", explorerIdle+` && document.querySelectorAll("#detail-panel .claim").length === 2`)
		recorded := eval[[]string](t, tb, `[...document.querySelectorAll("#detail-panel .claim")].map(c => c.querySelector(".who").textContent + ": " + c.querySelector(".recorded").textContent)`)
		var found bool
		for _, r := range recorded {
			if strings.HasPrefix(r, "India: by ed on 20") && strings.HasSuffix(r, " UTC") {
				found = true
			}
		}
		if !found {
			t.Errorf("claims recorded = %q, want India's by ed with a time", recorded)
		}
		tb.screenshot(t, "explorer-claim-recorded-by")
	})

	tb.checkClean(t)
}
