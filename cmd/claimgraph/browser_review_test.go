package main

// Browser test of the review queue: candidate pairs side by side, judged
// and merged with an editor's token.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// otherSpelling is a second report that spells the TTP another way.
const otherSpelling = `sources: [{id: src-other, title: Another report}]
entities:
  - {id: tehrik-i-taliban-pakistan, type: Group, name: Tehrik-i-Taliban Pakistan, aliases: [Pakistani Taliban]}
statements:
  - subject: tehrik-i-taliban-pakistan
    relation: allied-with
    object: afghan-taliban
    claims: [{source: src-other, quote: the Tehrik-i-Taliban Pakistan and its Afghan allies}]
`

// importAs posts a YAML fact file to /import with a user's token.
func importAs(tb testing.TB, url, token, facts string) {
	tb.Helper()
	req, _ := http.NewRequestWithContext(tb.Context(), "POST", url+"/import?format=yaml", strings.NewReader(facts))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("import: %s", resp.Status)
	}
}

func TestBrowserReviewQueue(t *testing.T) {
	s := startUsersServer(t)
	importAs(t, s.url, "ed-token", otherSpelling)
	tb := newTab(t, s.url)
	idle := `document.body.dataset.busy === "false"`
	msgJS := `document.getElementById("review-message").hidden ? "" : document.getElementById("review-message").textContent`
	pairJS := idle + ` && !!document.getElementById("candidate-a")`

	t.Run("the best pair is shown side by side", func(t *testing.T) {
		tb.do(t, "load /explore/review", chromedp.Navigate(s.url+"/explore/review"))
		tb.waitFor(t, "a pair", pairJS)
		type side struct{ Name, Type, Aliases, Relations, Sources string }
		read := func(which string) side {
			return eval[side](t, tb, `(() => { const c = document.getElementById("candidate-`+which+`");
				return {Name: c.querySelector("h3").textContent, Type: c.querySelector(".type").textContent, Aliases: c.querySelector(".aliases").textContent,
					Relations: c.querySelector(".relations").textContent, Sources: c.querySelector(".sources").textContent}; })()`)
		}
		a, b := read("a"), read("b")
		if a.Name != "Tehrik-i-Taliban Pakistan" || a.Type != "Group" || a.Aliases != "Pakistani Taliban" ||
			!strings.Contains(a.Relations, "allied with → Afghan Taliban") || a.Sources != "Another report" {
			t.Errorf("left = %+v", a)
		}
		if b.Name != "Tehrik-e-Taliban Pakistan" || b.Type != "Group" || !strings.Contains(b.Aliases, "TTP") ||
			!strings.Contains(b.Relations, "DISPUTED India accused of backing it") ||
			!strings.Contains(b.Sources, "Pakistan warns it may block social media platforms") {
			t.Errorf("right = %+v", b)
		}
		reasons := eval[string](t, tb, `document.querySelector(".reasons").textContent`)
		score := eval[string](t, tb, `document.querySelector(".score strong").textContent`)
		if !strings.HasPrefix(score, "Score 0.") || !strings.Contains(reasons, "fingerprint") {
			t.Errorf("score %q, reasons %q", score, reasons)
		}
		tb.screenshot(t, "review-pair")
	})

	t.Run("judging without a token asks for an editor's", func(t *testing.T) {
		tb.do(t, "Same", chromedp.Click(chromedp.ID("verdict-same")))
		tb.waitFor(t, "the refusal", idle+` && !document.getElementById("review-message").hidden`)
		if msg := eval[string](t, tb, msgJS); !strings.Contains(msg, "needs a token with the editor role") {
			t.Errorf("message = %q", msg)
		}
		if eval[string](t, tb, `document.querySelector("#candidate-a h3").textContent`) != "Tehrik-i-Taliban Pakistan" {
			t.Error("the queue moved on after a refused judgement")
		}
		tb.setToken(t, "rita-token")
		tb.do(t, "Same as a reader", chromedp.Click(chromedp.ID("verdict-same")))
		tb.waitFor(t, "the FORBIDDEN wording", idle+` && document.getElementById("review-message").textContent.includes("may not do this: it needs the editor role")`)
		tb.screenshot(t, "review-reader-refused")
	})

	t.Run("Same, then merge into the TTP, moves to the next pair", func(t *testing.T) {
		tb.setToken(t, "ed-token")
		tb.do(t, "Same", chromedp.Click(chromedp.ID("verdict-same")))
		tb.waitFor(t, "the merge offer", idle+` && !!document.getElementById("merge-into-b")`)
		if msg := eval[string](t, tb, msgJS); !strings.Contains(msg, "are the same (by ed)") {
			t.Errorf("message = %q", msg)
		}
		tb.screenshot(t, "review-merge-offer")
		tb.do(t, "merge into the TTP", chromedp.Click(chromedp.ID("merge-into-b")))
		tb.waitFor(t, "the next pair", pairJS+` && document.querySelector("#candidate-a h3").textContent !== "Tehrik-i-Taliban Pakistan"`)
		if msg := eval[string](t, tb, msgJS); !strings.Contains(msg, "Merged Tehrik-i-Taliban Pakistan into Tehrik-e-Taliban Pakistan: 0 statements moved, 1 joined") {
			t.Errorf("message = %q", msg)
		}
		// The old id now answers with the kept entity.
		_, data := postAs(t, s.url, "", `{ entity(id: "tehrik-i-taliban-pakistan") { id aliases } }`)
		if !strings.Contains(data, `"id":"ttp"`) || !strings.Contains(data, "Tehrik-i-Taliban Pakistan") {
			t.Errorf("the merged id answers %s", data)
		}
		tb.screenshot(t, "review-next-pair")
	})

	t.Run("Unsure is recorded and the queue ends", func(t *testing.T) {
		names := eval[string](t, tb, `document.querySelector("#candidate-a h3").textContent + " ~ " + document.querySelector("#candidate-b h3").textContent`)
		tb.do(t, "Unsure", chromedp.Click(chromedp.ID("verdict-unsure")))
		tb.waitFor(t, "the end of the queue", idle+` && !!document.querySelector(".empty-queue")`)
		if msg := eval[string](t, tb, msgJS); !strings.Contains(msg, "are unsure (by ed)") {
			t.Errorf("message after Unsure on %s = %q", names, msg)
		}
		_, data := postAs(t, s.url, "", `{ duplicateCandidates { totalCount } }`)
		if data != `{"duplicateCandidates":{"totalCount":0}}` {
			t.Errorf("candidates left: %s", data)
		}
		_, audit := postAs(t, s.url, "ada-token", `{ auditLog(user: "ed", first: 5) { nodes { operation } } }`)
		// Judgements are kept with who made them, not in the audit log.
		for _, op := range []string{"mergeEntities"} {
			if !strings.Contains(audit, op) {
				t.Errorf("the audit log lacks ed's %s: %s", op, audit)
			}
		}
		tb.screenshot(t, "review-done")
	})

	t.Run("the kept entity's panel lists what was merged into it", func(t *testing.T) {
		tb.do(t, "open the TTP", chromedp.Navigate(s.url+"/explore?show=ttp&sel=ttp"))
		tb.waitFor(t, "the TTP", explorerIdle+` && document.getElementById("entity-title")`)
		tb.waitFor(t, "the merged list", explorerIdle+` && document.querySelector("#detail-panel .merged")`)
		if got := eval[string](t, tb, `document.querySelector("#detail-panel .merged").textContent`); !strings.Contains(got, "tehrik-i-taliban-pakistan") || !strings.Contains(got, "by ed") {
			t.Errorf("merged list = %q", got)
		}
		tb.screenshot(t, "explorer-merged-into")
	})

	t.Run("an 800 px window keeps the pair whole; Different is recorded", func(t *testing.T) {
		// A fresh pair to look at: another spelling of the Afghan Taliban.
		importAs(t, s.url, "ed-token", "sources: [{id: src-third, title: A third report}]\nentities:\n  - {id: the-afghan-taliban, type: Group, name: The Afghan Taliban}\nstatements:\n  - {subject: the-afghan-taliban, relation: governs, object: afghanistan, claims: [{source: src-third}]}\n")
		tb.do(t, "narrow the window", chromedp.EmulateViewport(800, 600))
		tb.do(t, "reload", chromedp.Navigate(s.url+"/explore/review"))
		tb.waitFor(t, "a pair", pairJS)
		if out := eval[[]string](t, tb, overflowJS); len(out) > 0 {
			t.Errorf("cut off at 800 px: %v", out)
		}
		tb.screenshot(t, "review-800px")
		tb.do(t, "Different", chromedp.Click(chromedp.ID("verdict-different")))
		tb.waitFor(t, "the end of the queue", idle+` && !!document.querySelector(".empty-queue")`)
		if msg := eval[string](t, tb, msgJS); !strings.Contains(msg, "are different (by ed)") {
			t.Errorf("message after Different = %q", msg)
		}
		tb.do(t, "widen the window", chromedp.EmulateViewport(1366, 768))
	})

	tb.checkClean(t)
}
