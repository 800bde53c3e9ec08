package main

// Browser test of the explorer's live changes: a badge fed by the
// subscriptions counts the changes to what is in view and updates it.

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestBrowserExplorerChanges(t *testing.T) {
	s := startUsersServer(t)
	tb := newTab(t, s.url)
	const allegation = "relation:x-accounts-india.operating-from.india"
	badgeJS := `(() => { const b = document.getElementById("changes"); return b.hidden ? "" : b.textContent; })()`

	tb.do(t, "load India's neighbourhood", chromedp.Navigate(s.url+"/explore?show=india,x-accounts-india&sel="+allegation))
	tb.waitFor(t, "the view and the feeds", explorerIdle+` && document.getElementById("changes").dataset.feed === "open" && document.querySelectorAll("#detail-panel .claim").length === 1`)
	if got := eval[string](t, tb, badgeJS); got != "" {
		t.Errorf("badge before any change = %q", got)
	}

	t.Run("a change elsewhere is not counted", func(t *testing.T) {
		if codes, _ := postAs(t, s.url, "ed-token", `mutation { addClaim(relation: "talal-chaudhry.warned.social-media-platforms",
			claim: {source: "src-86013d487e35f14f", claimant: "pakistan", quote: "warning that groups operating against Pakistan could eventually pose a threat to other nations"}) { id } }`); len(codes) > 0 {
			t.Fatalf("addClaim: %v", codes)
		}
	})

	t.Run("a denial in view is counted, and a click shows it", func(t *testing.T) {
		if codes, _ := postAs(t, s.url, "ed-token", `mutation { addClaim(relation: "x-accounts-india.operating-from.india",
			claim: {source: "src-86013d487e35f14f", claimant: "india", stance: DENIES, quote: "allegations both countries deny"}) { id } }`); len(codes) > 0 {
			t.Fatalf("addClaim: %v", codes)
		}
		// The claim and the status change it brings: two changes, and not
		// the one outside the view written before them.
		tb.waitFor(t, "the badge", `document.getElementById("changes").textContent === "↻ 2 changes" && !document.getElementById("changes").hidden`)
		if title := eval[string](t, tb, `document.getElementById("changes").title`); !strings.HasPrefix(title, "1 claim added, 1 status changed") {
			t.Errorf("badge title = %q", title)
		}
		// Nothing moves until the user asks.
		if got := eval[string](t, tb, cyJS+`.getElementById("`+allegation+`").data("status")`); got != "ALLEGED" {
			t.Errorf("the edge is %s before the click, want ALLEGED still", got)
		}
		tb.screenshot(t, "explorer-changes-badge")
		tb.do(t, "click the badge", chromedp.Click(chromedp.ID("changes")))
		tb.waitFor(t, "the updated view", explorerIdle+` && document.getElementById("changes").hidden && document.querySelectorAll("#detail-panel .claim").length === 2`)
		if got := eval[string](t, tb, cyJS+`.getElementById("`+allegation+`").data("status")`); got != "DISPUTED" {
			t.Errorf("the edge is %s after the click, want DISPUTED", got)
		}
		if got := eval[string](t, tb, `document.querySelector("#detail-panel .sub .badge").textContent`); got != "DISPUTED" {
			t.Errorf("the panel says %s", got)
		}
		tb.screenshot(t, "explorer-changes-applied")
	})

	tb.checkClean(t)
}
