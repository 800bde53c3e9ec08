package main

// Browser tests of how the explorer keeps its picture: fitted, the same for
// one URL, whole in a narrow window, kept when a filter is refused, never
// empty on arrival.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// pathsView is a view with neighbourhoods and the paths from India to the
// Afghan Taliban.
const pathsView = "/explore?show=ttp,pakistan&from=india&to=afghan-taliban"

// outsideJS evaluates to the ids of the nodes whose drawing (shape and
// label) is not wholly inside the canvas, each with its rendered box.
const outsideJS = `(() => { const cy = ` + cyJS + `, w = cy.width(), h = cy.height(), out = [];
	cy.nodes().forEach(n => { const b = n.renderedBoundingBox({includeLabels: true, includeOverlays: false, includeUnderlays: false});
		if (b.x1 < 0 || b.y1 < 0 || b.x2 > w || b.y2 > h) out.push(n.id() + " " + JSON.stringify([Math.round(b.x1), Math.round(b.y1), Math.round(b.x2), Math.round(b.y2)]) + " in " + w + "x" + h); });
	return out; })()`

// reverseAnswersJS makes the page see every list in a neighbourhood answer
// of /graphql in the reverse order.
const reverseAnswersJS = `(() => { const fetch0 = window.fetch;
	window.fetch = async (...args) => { const res = await fetch0(...args), body = await res.clone().json().catch(() => null);
		const nb = body && body.data && body.data.neighborhood;
		if (!nb) return res;
		nb.nodes.reverse(); nb.hops.reverse();
		return new Response(JSON.stringify(body), {status: res.status, headers: res.headers}); }; })()`

// positionsJS evaluates to every node's model position, rounded.
const positionsJS = `Object.fromEntries(` + cyJS + `.nodes().map(n => [n.id(), [Math.round(n.position("x") * 10) / 10, Math.round(n.position("y") * 10) / 10]]))`

func TestBrowserExplorerView(t *testing.T) {
	s := startServer(t, "--store", "memory:")
	tb := newTab(t, s.url)

	t.Run("a first visit shows the best connected entity", func(t *testing.T) {
		tb.do(t, "load /explore", chromedp.Navigate(s.url+"/explore"))
		tb.waitFor(t, "the explorer to start", explorerIdle+` && document.querySelectorAll("#filter-types input").length > 0`)
		n := eval[int](t, tb, cyJS+`.nodes().length`)
		if n < 3 {
			t.Errorf("a first visit draws %d entities, want a neighbourhood", n)
		}
		if eval[bool](t, tb, `!document.getElementById("empty").hidden`) {
			t.Error("the intro text shows over the first view")
		}
		if search := eval[string](t, tb, `location.search`); !strings.Contains(search, "show=") {
			t.Errorf("the first view is not in the URL: %q", search)
		}
		tb.screenshot(t, "explorer-first-visit")
	})

	t.Run("the last view is shown again", func(t *testing.T) {
		tb.do(t, "open a view", chromedp.Navigate(s.url+"/explore?show=bla"))
		tb.waitFor(t, "BLA's neighbourhood", explorerIdle+` && `+cyJS+`.getElementById("bla").length === 1`)
		tb.do(t, "come back to /explore", chromedp.Navigate(s.url+"/explore"))
		tb.waitFor(t, "the last view", explorerIdle+` && location.search === "?show=bla" && `+cyJS+`.getElementById("bla").length === 1`)
	})

	t.Run("found paths are fitted with every label", func(t *testing.T) {
		tb.do(t, "open a neighbourhood", chromedp.Navigate(s.url+"/explore?show=ttp,afghan-taliban,pakistan"))
		tb.waitFor(t, "the neighbourhoods", explorerIdle+` && `+cyJS+`.nodes().length > 5`)
		tb.pickSuggestion(t, "path-from", "Indi", "India")
		tb.pickSuggestion(t, "path-to", "afghan tal", "Afghan Taliban")
		tb.do(t, "find paths", chromedp.Click(chromedp.ID("path-find")))
		tb.waitFor(t, "the paths", explorerIdle+` && location.search.includes("from=india&to=afghan-taliban") && document.querySelectorAll("#paths-list .path").length > 0`)
		tb.screenshot(t, "explorer-paths-fitted")
		if out := eval[[]string](t, tb, outsideJS); len(out) > 0 {
			t.Errorf("nodes or labels outside the canvas after Find paths: %v", out)
		}
		// Edges, their labels and arrowheads, are drawn above the nodes and
		// their labels, and stop at a label rather than run under it.
		if z := eval[[]float64](t, tb, `(() => { const cy = `+cyJS+`; return [Math.max(...cy.nodes().map(n => n.style("z-index-compare") === "manual" ? +n.style("z-index") : 1e9)), Math.min(...cy.edges().map(e => +e.style("z-index")))]; })()`); z[0] >= z[1] {
			t.Errorf("nodes are drawn at z-index %v, edges at %v: node labels cover edge labels", z[0], z[1])
		}
		if ends := eval[[]string](t, tb, cyJS+`.edges().map(e => e.style("target-endpoint")).filter(v => v !== "outside-to-node-or-label")`); len(ends) > 0 {
			t.Errorf("edges end at %v, not outside their ends' labels", ends)
		}
		// A close look at TTP, for the eye: arrowheads and labels.
		eval[chromedp.Void](t, tb, `(() => { const cy = `+cyJS+`; cy.zoom({level: 2.4, position: cy.getElementById("ttp").position()}); cy.center(cy.getElementById("ttp")); })()`)
		tb.screenshot(t, "explorer-paths-zoomed-ttp")
	})

	t.Run("one URL gives one layout", func(t *testing.T) {
		url := s.url + pathsView + "&path=2"
		load := func() map[string][2]float64 {
			tb.do(t, "leave", chromedp.Navigate("about:blank"))
			tb.do(t, "load the view", chromedp.Navigate(url))
			tb.waitFor(t, "the view", explorerIdle+` && document.querySelectorAll("#paths-list .path").length > 0`)
			return eval[map[string][2]float64](t, tb, positionsJS)
		}
		first := load()
		tb.screenshot(t, "explorer-layout-1")
		// The second load gets the server's lists in the reverse order, as
		// another server (or the same one, its index built meanwhile) may
		// answer them: the picture must not depend on it.
		added, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: reverseAnswersJS})
		if err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(tb.ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: added.Identifier})
		second := load()
		tb.screenshot(t, "explorer-layout-2")
		if len(first) < 5 || fmt.Sprint(first) != fmt.Sprint(second) {
			t.Errorf("two loads of %s placed the nodes differently:\n%v\n%v", url, first, second)
		}
	})

	t.Run("an 800 px window shows the whole toolbar and legend", func(t *testing.T) {
		tb.do(t, "narrow the window", chromedp.EmulateViewport(800, 600))
		tb.do(t, "load the view", chromedp.Navigate(s.url+pathsView))
		tb.waitFor(t, "the view", explorerIdle+` && document.querySelectorAll("#paths-list .path").length > 0`)
		tb.screenshot(t, "explorer-800px")
		clipped := eval[[]string](t, tb, `(() => { const out = [];
			const check = (e, box) => { const r = e.getBoundingClientRect();
				if (r.width === 0 || r.height === 0) return;
				if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 ||
					r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight)
					out.push((e.id || e.textContent.trim()) + " " + JSON.stringify([r.left, r.top, r.right, r.bottom]));
				const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
				if (!hit || !(e === hit || e.contains(hit) || hit.contains(e))) out.push((e.id || e.textContent.trim()) + " is covered by " + (hit ? hit.tagName + "#" + hit.id + "." + hit.className : "nothing"));
			};
			for (const id of ["view-fit", "view-clear", "export-png", "export-json"]) check(document.getElementById(id), document.querySelector(".graph-toolbar").getBoundingClientRect());
			document.querySelectorAll("#legend .item").forEach(i => check(i, document.getElementById("legend").getBoundingClientRect()));
			const tool = document.querySelector(".graph-toolbar"), legend = document.getElementById("legend");
			for (const e of [tool, legend]) if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1) out.push(e.className + " overflows");
			return out; })()`)
		if len(clipped) > 0 {
			t.Errorf("cut off at 800 px: %v", clipped)
		}
		if n := eval[int](t, tb, `document.querySelectorAll("#legend .item").length`); n < 5 {
			t.Errorf("legend has %d items", n)
		}
		tb.do(t, "widen the window", chromedp.EmulateViewport(1366, 768))
	})

	t.Run("a bad as-of date keeps the view and says so once", func(t *testing.T) {
		tb.do(t, "load the view", chromedp.Navigate(s.url+pathsView))
		tb.waitFor(t, "the view", explorerIdle+` && document.querySelectorAll("#paths-list .path").length > 0`)
		before := eval[[]string](t, tb, cyJS+`.elements().map(e => e.id()).sort()`)
		tb.do(t, "type a date with no month 13", chromedp.Focus(chromedp.ID("filter-asof")),
			chromedp.SendKeys(chromedp.ID("filter-asof"), "2024-13"), chromedp.KeyEvent("\r"))
		tb.waitFor(t, "the error", explorerIdle+` && document.getElementById("status").classList.contains("error")`)
		tb.screenshot(t, "explorer-bad-date")
		after := eval[[]string](t, tb, cyJS+`.elements().map(e => e.id()).sort()`)
		if strings.Join(before, ",") != strings.Join(after, ",") {
			t.Errorf("the view changed after a bad date:\nbefore %v\nafter  %v", before, after)
		}
		if out := eval[[]string](t, tb, outsideJS); len(out) > 0 {
			t.Errorf("the message pushed nodes or labels out of the canvas: %v", out)
		}
		msg := eval[string](t, tb, `document.getElementById("status").textContent`)
		if !strings.Contains(msg, "2024-13") {
			t.Errorf("status = %q, want it to name the date", msg)
		}
		if n := eval[int](t, tb, `document.body.innerText.split("2024-13").length - 1`); n != 1 {
			t.Errorf("the date's error shows %d times on the page, want once", n)
		}
		if eval[bool](t, tb, `location.search.includes("asOf")`) {
			t.Error("the refused date went into the URL")
		}
		if eval[string](t, tb, `document.getElementById("filter-asof").getAttribute("aria-invalid")`) != "true" {
			t.Error("the as-of input is not marked invalid")
		}
	})

	t.Run("only Reported keeps the path's ends", func(t *testing.T) {
		tb.do(t, "load the paths", chromedp.Navigate(s.url+"/explore?from=india&to=afghan-taliban"))
		tb.waitFor(t, "the paths", explorerIdle+` && document.querySelectorAll("#paths-list .path").length > 0`)
		for _, st := range []string{"ALLEGED", "DISPUTED", "DENIED"} {
			tb.do(t, "uncheck "+st, chromedp.Click(chromedp.CSS(`#filter-status input[value="`+st+`"]`)))
			tb.waitFor(t, "the filter", explorerIdle+` && !document.querySelector('#filter-status input[value="`+st+`"]').checked && location.search.includes("status=")`)
		}
		tb.waitFor(t, "only Reported", explorerIdle+` && location.search.includes("status=REPORTED") && !location.search.includes("ALLEGED")`)
		tb.screenshot(t, "explorer-only-reported")
		nodes := eval[[]string](t, tb, cyJS+`.nodes().map(n => n.id()).sort()`)
		if strings.Join(nodes, ",") != "afghan-taliban,india" {
			t.Errorf("nodes with only Reported = %v, want the two ends", nodes)
		}
		if eval[bool](t, tb, `!document.getElementById("empty").hidden`) {
			t.Error("the intro text came back")
		}
		if got := eval[string](t, tb, `document.getElementById("paths-list").textContent`); !strings.Contains(got, "No path connects them") {
			t.Errorf("paths panel = %q", got)
		}
	})

	tb.checkClean(t)
}
