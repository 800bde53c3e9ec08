package main

// Browser test of time in the explorer: the timeline strip and its range,
// the reported-by filter, a relation's status history and time-flow paths,
// on the built-in seed dated by datedFacts.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// dragTimeline drags the mouse across the timeline strip from one date to
// another (RFC 3339 times), as a user selects a range.
func (tb *tab) dragTimeline(t testing.TB, from, to string) {
	t.Helper()
	pos := eval[struct{ A, B, Y float64 }](t, tb, fmt.Sprintf(`(() => {
		const s = document.querySelector("#tl-plot svg"), r = s.getBoundingClientRect(), d = s.dataset;
		const x = (t) => r.left + +d.x0 + (Date.parse(t) - d.t0) / (d.t1 - d.t0) * (d.x1 - d.x0);
		return {A: x(%q), B: x(%q), Y: r.top + 24}; })()`, from, to))
	mouse := func(typ input.DispatchMouseEventType, x float64, buttons int64) {
		p := input.DispatchMouseEventParams{Type: typ, X: x, Y: pos.Y, Button: input.MouseButtonLeft, Buttons: buttons, ClickCount: 1}
		if typ == input.DispatchMouseEventTypeMouseMoved {
			p.ClickCount = 0
		}
		if _, err := chromedp.Call(tb.ctx, input.DispatchMouseEvent, p); err != nil {
			tb.fatalf(t, "mouse %s: %v", typ, err)
		}
	}
	mouse(input.DispatchMouseEventTypeMouseMoved, pos.A, 0)
	mouse(input.DispatchMouseEventTypeMousePressed, pos.A, 1)
	for i := 1; i <= 5; i++ {
		mouse(input.DispatchMouseEventTypeMouseMoved, pos.A+(pos.B-pos.A)*float64(i)/5, 1)
	}
	mouse(input.DispatchMouseEventTypeMouseReleased, pos.B, 0)
}

func TestBrowserExplorerTime(t *testing.T) {
	s := startServer(t, "--store", datedStore(t))
	tb := newTab(t, s.url)
	edgesJS := cyJS + `.edges().map(e => e.id()).sort()`
	const allegation = "relation:x-accounts-india.operating-from.india"

	t.Run("the strip shows the claims and intervals in view", func(t *testing.T) {
		tb.do(t, "load a view", chromedp.Navigate(s.url+"/explore?show=afghanistan,india"))
		tb.waitFor(t, "the view and its timeline", explorerIdle+` && document.querySelectorAll("#tl-plot .tl-claim").length > 0`)
		spans := eval[[]string](t, tb, `[...document.querySelectorAll("#tl-plot .tl-span")].map(e => e.dataset.rel)`)
		if strings.Join(spans, ",") != "relation:afghan-taliban.governs.afghanistan" {
			t.Errorf("intervals = %v, want the Taliban's rule since 2021-08", spans)
		}
		denials := eval[[]string](t, tb, `[...document.querySelectorAll("#tl-plot .tl-claim.DENIES title")].map(e => e.textContent)`)
		if !containsString(denials, "2025-06-10: India denies X accounts operating from India operating from India") {
			t.Errorf("denial marks = %q", denials)
		}
		ticks := eval[string](t, tb, `[...document.querySelectorAll("#tl-plot .tl-tick")].map(e => e.textContent).join(" ")`)
		if !strings.Contains(ticks, "2022") || !strings.Contains(ticks, "2025") {
			t.Errorf("axis labels = %q", ticks)
		}
		if got := eval[string](t, tb, `document.getElementById("tl-summary").textContent`); !strings.Contains(got, "1 dated relation") {
			t.Errorf("summary = %q", got)
		}
		tb.screenshot(t, "timeline-valid")
	})

	t.Run("a report-time range keeps what was said in it", func(t *testing.T) {
		tb.do(t, "report time", chromedp.Click(chromedp.ID("tl-report")))
		tb.waitFor(t, "the report axis", explorerIdle+` && location.search.includes("time=report")`)
		tb.dragTimeline(t, "2025-06-01T12:00:00Z", "2025-06-29T12:00:00Z")
		tb.waitFor(t, "the range", explorerIdle+` && location.search.includes("range=2025-06-01..2025-06-29")`)
		if got := eval[[]string](t, tb, edgesJS); strings.Join(got, ",") != allegation {
			t.Errorf("edges in June 2025 = %v, want only the denied allegation", got)
		}
		// The strip still shows everything, for another drag.
		if n := eval[int](t, tb, `document.querySelectorAll("#tl-plot .tl-claim").length`); n < 5 {
			t.Errorf("%d claims on the strip after the range", n)
		}
		if got := eval[string](t, tb, `document.getElementById("tl-range").textContent`); !strings.Contains(got, "2025-06-01 – 2025-06-29") {
			t.Errorf("range label = %q", got)
		}
		tb.screenshot(t, "timeline-report-range")
	})

	t.Run("a valid-time range keeps what held in it", func(t *testing.T) {
		tb.do(t, "valid time", chromedp.Click(chromedp.ID("tl-valid")))
		tb.waitFor(t, "the valid axis", explorerIdle+` && !location.search.includes("time=report")`)
		tb.dragTimeline(t, "2021-02-01T00:00:00Z", "2021-12-01T00:00:00Z")
		tb.waitFor(t, "the range", explorerIdle+` && location.search.includes("range=2021-")`)
		if got := eval[[]string](t, tb, edgesJS); strings.Join(got, ",") != "relation:afghan-taliban.governs.afghanistan" {
			t.Errorf("edges valid in 2021 = %v", got)
		}
		tb.do(t, "clear the range", chromedp.Click(chromedp.ID("tl-range-clear")))
		tb.waitFor(t, "every relation", explorerIdle+` && !location.search.includes("range=") && `+cyJS+`.edges().length > 5`)
	})

	t.Run("reported by a date gives the status of then, and the history says when it changed", func(t *testing.T) {
		status := func() string {
			return eval[string](t, tb, cyJS+`.getElementById("`+allegation+`").data("status")`)
		}
		if got := status(); got != "DISPUTED" {
			t.Errorf("today the allegation is %s, want DISPUTED", got)
		}
		tb.do(t, "reported by 2025-06-09", chromedp.Focus(chromedp.ID("filter-reportedby")),
			chromedp.SendKeys(chromedp.ID("filter-reportedby"), "2025-06-09"), chromedp.KeyEvent("\r"))
		tb.waitFor(t, "the filter", explorerIdle+` && location.search.includes("reportedBy=2025-06-09")`)
		if got := status(); got != "ALLEGED" {
			t.Errorf("as reported by 2025-06-09 the allegation is %s, want ALLEGED", got)
		}
		tb.clickElement(t, allegation)
		tb.waitFor(t, "the history", explorerIdle+` && document.querySelectorAll("#detail-panel .history li").length === 2`)
		history := eval[[]string](t, tb, `[...document.querySelectorAll("#detail-panel .history li")].map(l => l.textContent)`)
		want := []string{
			"2025-05 ALLEGEDTalal Chaudhry asserts (Pakistan warns it may block social media platforms for non-compliance)",
			"2025-06-10 DISPUTEDIndia denies (India rejects Pakistan's claims about X accounts)",
		}
		if strings.Join(history, "|") != strings.Join(want, "|") {
			t.Errorf("history =\n%q\nwant\n%q", history, want)
		}
		eval[chromedp.Void](t, tb, `document.getElementById("details").scrollTop = 1e6`)
		tb.screenshot(t, "relation-status-history")
	})

	t.Run("a drag can set reported-by instead", func(t *testing.T) {
		tb.do(t, "report time", chromedp.Click(chromedp.ID("tl-report")))
		tb.waitFor(t, "the report axis", explorerIdle+` && location.search.includes("time=report")`)
		tb.do(t, "drag sets the date", chromedp.SetValue(chromedp.ID("tl-apply"), "date"))
		tb.dragTimeline(t, "2025-05-20T12:00:00Z", "2025-06-20T12:00:00Z")
		tb.waitFor(t, "the date", explorerIdle+` && location.search.includes("reportedBy=2025-06-20") && !location.search.includes("range=")`)
		if got := eval[string](t, tb, cyJS+`.getElementById("`+allegation+`").data("status")`); got != "DISPUTED" {
			t.Errorf("as reported by 2025-06-20 the allegation is %s, want DISPUTED", got)
		}
		if got := eval[string](t, tb, `document.getElementById("filter-reportedby").value`); got != "2025-06-20" {
			t.Errorf("reported-by input = %q", got)
		}
	})

	t.Run("time-flow paths", func(t *testing.T) {
		tb.do(t, "load TTP", chromedp.Navigate(s.url+"/explore?show=ttp"))
		tb.waitFor(t, "TTP", explorerIdle+` && `+cyJS+`.nodes().length > 2`)
		tb.pickSuggestion(t, "path-from", "TTP", "Tehrik-e-Taliban Pakistan")
		tb.pickSuggestion(t, "path-to", "Afghanistan", "Afghanistan")
		tb.do(t, "time flow", chromedp.Click(chromedp.ID("path-flow")))
		tb.do(t, "a gap of a year", chromedp.SendKeys(chromedp.ID("path-gap"), "P1Y"))
		tb.do(t, "undated hops allowed", chromedp.Click(chromedp.ID("path-undated")))
		tb.do(t, "find paths", chromedp.Click(chromedp.ID("path-find")))
		tb.waitFor(t, "the time-flow paths", explorerIdle+` && location.search.includes("flow=P1Y&undated=1") && document.querySelectorAll("#paths-list .path").length > 0`)
		whys := eval[[]string](t, tb, `[...document.querySelectorAll("#paths-list .hop .why")].map(w => w.textContent)`)
		if !containsString(whys, "· valid from 2021-08") || !containsString(whys, "· valid time unknown") {
			t.Errorf("hop explanations = %q, want each hop's valid time", whys)
		}
		tb.screenshot(t, "explorer-time-flow")
		tb.do(t, "no undated hops", chromedp.Click(chromedp.ID("path-undated")))
		tb.waitFor(t, "no path", explorerIdle+` && !location.search.includes("undated") && document.getElementById("paths-list").textContent.includes("No path connects them")`)
	})

	graphHeight := func() float64 {
		return eval[float64](t, tb, `document.getElementById("cy").getBoundingClientRect().height`)
	}
	t.Run("an 800 px window starts with the strip folded, and the choice is kept", func(t *testing.T) {
		tb.do(t, "narrow the window", chromedp.EmulateViewport(800, 600))
		tb.do(t, "load a view", chromedp.Navigate(s.url+"/explore?show=afghanistan,india"))
		eval[chromedp.Void](t, tb, `localStorage.removeItem("claimgraph.explorer.timeline")`)
		tb.do(t, "reload with no choice made", chromedp.Reload())
		tb.waitFor(t, "the view", explorerIdle+` && `+cyJS+`.edges().length > 0`)
		if got := eval[string](t, tb, `document.getElementById("tl-toggle").getAttribute("aria-expanded")`); got != "false" {
			t.Errorf("at 800 px the strip's toggle says expanded=%s, want it folded", got)
		}
		folded := graphHeight()
		tb.screenshot(t, "timeline-folded-800px")
		tb.do(t, "unfold", chromedp.Click(chromedp.ID("tl-toggle")))
		tb.waitFor(t, "the strip", `document.querySelectorAll("#tl-plot .tl-claim").length > 0`)
		if shown := graphHeight(); shown+40 > folded {
			t.Errorf("the graph is %.0f px high with the strip and %.0f px without: folding it should give the graph its room", shown, folded)
		}
		tb.do(t, "reload", chromedp.Reload())
		tb.waitFor(t, "the view again", explorerIdle+` && document.querySelectorAll("#tl-plot .tl-claim").length > 0`)
		if got := eval[string](t, tb, `document.getElementById("tl-toggle").getAttribute("aria-expanded")`); got != "true" {
			t.Errorf("after a reload the strip's toggle says expanded=%s, want the choice kept", got)
		}
	})

	t.Run("an 800 px window keeps the strip whole", func(t *testing.T) {
		tb.do(t, "load a view", chromedp.Navigate(s.url+"/explore?show=afghanistan,india&time=report&range=2025-06-01..2025-06-29"))
		tb.waitFor(t, "the view", explorerIdle+` && document.querySelectorAll("#tl-plot .tl-claim").length > 0`)
		clipped := eval[[]string](t, tb, `(() => { const out = [], bar = document.querySelector(".tl-bar").getBoundingClientRect(), pane = document.querySelector(".graph-pane").getBoundingClientRect();
			document.querySelectorAll(".tl-bar > *:not([hidden]), .topbar nav > *").forEach(e => { const r = e.getBoundingClientRect();
				if (r.width && (r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight)) out.push((e.id || e.textContent.trim()) + " " + JSON.stringify([r.left, r.top, r.right, r.bottom])); });
			const svg = document.querySelector("#tl-plot svg").getBoundingClientRect();
			if (svg.right > pane.right + 1) out.push("the strip is wider than the graph pane");
			if (document.getElementById("cy").getBoundingClientRect().height < 120) out.push("the graph is " + document.getElementById("cy").getBoundingClientRect().height + " px high");
			return out; })()`)
		if len(clipped) > 0 {
			t.Errorf("cut off at 800 px: %v", clipped)
		}
		tb.screenshot(t, "timeline-800px")
		eval[chromedp.Void](t, tb, `localStorage.removeItem("claimgraph.explorer.timeline")`)
		tb.do(t, "widen the window", chromedp.EmulateViewport(1366, 768))
	})

	tb.checkClean(t)
}

func containsString(list []string, want string) bool {
	for _, s := range list {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}
