package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// seedSourceID is the built-in seed's source, which holds the seed article.
const seedSourceID = "src-86013d487e35f14f"

// readerIdle is true once the explorer has drawn its view and the reader
// its text.
const readerIdle = explorerIdle + ` && document.querySelectorAll("#reader-text .seg").length > 0`

// TestBrowserReader reads the seed article in the explorer's reader, as an
// analyst would: the claims' quotes are highlighted by stance and the
// entities' mentions underlined; a click on a highlight opens its claim; a
// claim opens the reader at its quote; a sentence selected with the mouse
// becomes a new claim, saved with the token and then highlighted and in the
// graph; the draft's suggestions are dashed, one accepted, one dismissed.
func TestBrowserReader(t *testing.T) {
	const token = "reader-token"
	s := startServer(t, "--store", "memory:", "--token", token)
	// Two claims the draft finds, retracted so that the draft suggests them
	// again: one to accept, one to dismiss.
	const refuge = "ttp.refuge-in.afghanistan~" + seedSourceID + "~source"
	const governs = "afghan-taliban.governs.afghanistan~" + seedSourceID + "~source"
	for _, id := range []string{refuge, governs} {
		if codes, out := postAs(t, s.url, token, `mutation { retractClaim(id: "`+id+`") { removed } }`); len(codes) > 0 {
			t.Fatalf("retract %s: %v %s", id, codes, out)
		}
	}
	var before struct {
		Source struct {
			Claims struct{ TotalCount int }
		}
	}
	s.query(t, `{ source(id: "`+seedSourceID+`") { claims { totalCount } } }`, &before)
	tb := newTab(t, s.url)

	t.Run("the text with its claims highlighted and its mentions underlined", func(t *testing.T) {
		tb.do(t, "load the explorer", chromedp.Navigate(s.url+"/explore?show=india"))
		tb.waitFor(t, "the sources with their text", explorerIdle+` && document.querySelector("#sources-list .source-read") !== null`)
		tb.do(t, "open the reader", chromedp.Click(chromedp.CSS(`#sources-list .source-read[data-source="`+seedSourceID+`"]`)))
		tb.waitFor(t, "the reader", readerIdle+` && location.search.includes("read=`+seedSourceID+`")`)
		got := eval[struct {
			Text                   string
			Claims, Mentions       int
			Asserts, Denies, Mixed int
			Suggest                []string
		}](t, tb, `(() => {
			const segs = [...document.querySelectorAll("#reader-text .seg")];
			const ids = new Set(segs.flatMap(s => s.dataset.claims ? s.dataset.claims.split(" ") : []));
			return {
				// innerText, as laid out: the words of the text keep their spaces.
				Text: [...document.querySelectorAll("#reader-text p")].map(p => p.innerText).join("\n"),
				Claims: ids.size,
				Mentions: segs.filter(s => s.classList.contains("mention")).length,
				Asserts: segs.filter(s => s.classList.contains("asserts")).length,
				Denies: segs.filter(s => s.classList.contains("denies")).length,
				Mixed: segs.filter(s => s.classList.contains("mixed")).length,
				Suggest: [...new Set(segs.flatMap(s => s.dataset.suggest ? s.dataset.suggest.split(" ") : []))],
			};
		})()`)
		if !strings.HasPrefix(got.Text, "Pakistan warns it may block social media platforms for non-compliance\nWhat's the story\n") ||
			!strings.Contains(got.Text, "allegations both countries deny") {
			t.Errorf("the reader shows another text: %.200q", got.Text)
		}
		if got.Claims != before.Source.Claims.TotalCount {
			t.Errorf("%d claims highlighted, want the source's %d", got.Claims, before.Source.Claims.TotalCount)
		}
		if got.Asserts == 0 || got.Denies == 0 || got.Mentions < 10 {
			t.Errorf("highlights: %d asserting, %d denying, %d mentions underlined", got.Asserts, got.Denies, got.Mentions)
		}
		slices.Sort(got.Suggest)
		if len(got.Suggest) != 2 || !strings.HasPrefix(got.Suggest[0], "afghan-taliban|governs|afghanistan|") || !strings.HasPrefix(got.Suggest[1], "ttp|refuge-in|afghanistan|") {
			t.Errorf("draft suggestions %q, want the two retracted claims", got.Suggest)
		}
		if eval[int](t, tb, `document.querySelectorAll("#detail-panel .source-claim").length`) != got.Claims {
			t.Error("the details do not list the claims of the source")
		}
		tb.screenshot(t, "reader")
	})

	t.Run("a click on a highlight opens its claim", func(t *testing.T) {
		tb.do(t, "click the denial", chromedp.Click(chromedp.Search(`//span[contains(@class,"denies")][contains(., "deny")]`)))
		tb.waitFor(t, "the relation with the claim", explorerIdle+` && document.querySelector("#detail-panel .claim.current.DENIES") !== null`)
		if sel := eval[string](t, tb, `new URLSearchParams(location.search).get("sel")`); !strings.HasSuffix(sel, ".accused-of-backing.bla") && !strings.HasSuffix(sel, ".accused-of-backing.ttp") {
			t.Errorf("the denial selected relation %q", sel)
		}
		if n := eval[int](t, tb, `document.querySelectorAll("#reader-text .seg.current").length`); n == 0 {
			t.Error("the quote of the opened claim is not marked in the text")
		}
	})

	t.Run("a claim opens the reader at its quote", func(t *testing.T) {
		tb.do(t, "open a relation", chromedp.Navigate(s.url+"/explore?show=ttp&sel=relation:ttp.allied-with.afghan-taliban"))
		tb.waitFor(t, "the relation", explorerIdle+` && document.querySelector("#detail-panel .read-in-source") !== null`)
		tb.do(t, "read in source", chromedp.Click(chromedp.CSS(`#detail-panel .read-in-source`)))
		tb.waitFor(t, "the reader at the quote", readerIdle+` && document.querySelector("#reader-text .seg.current") !== null`)
		visible := eval[bool](t, tb, `(() => {
			const box = document.getElementById("reader-text").getBoundingClientRect();
			const r = document.querySelector("#reader-text .seg.current").getBoundingClientRect();
			return r.top >= box.top && r.bottom <= box.bottom && r.width > 0;
		})()`)
		if !visible {
			t.Error("the quote is not scrolled into the reader's view")
		}
		if q := eval[string](t, tb, `document.querySelector("#reader-text .seg.current").textContent`); !strings.Contains("The TTP is a separate group but is allied with the Afghan Taliban", q) {
			t.Errorf("the reader marks %q", q)
		}
	})

	const sentence = "He said these accounts are spreading extremist content and supporting banned militant groups."
	t.Run("a selected sentence becomes a claim, highlighted and in the graph", func(t *testing.T) {
		tb.do(t, "open the reader", chromedp.Navigate(s.url+"/explore?read="+seedSourceID))
		tb.waitFor(t, "the reader", readerIdle)
		tb.do(t, "give the token", chromedp.SendKeys(chromedp.CSS("#reader-token"), token))
		// Drag the mouse over the sentence, from its first letter to its last.
		ends := eval[struct{ X1, Y1, X2, Y2 float64 }](t, tb, fmt.Sprintf(`(() => {
			const text = [...document.querySelectorAll("#reader-text p")].find(p => p.textContent.includes(%[1]q));
			const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
			let all = "", nodes = [];
			for (let n; (n = walker.nextNode());) { nodes.push([n, all.length]); all += n.data; }
			const at = (i) => { for (let k = nodes.length - 1; k >= 0; k--) if (nodes[k][1] <= i) return [nodes[k][0], i - nodes[k][1]]; };
			const from = all.indexOf(%[1]q), to = from + %[1]q.length;
			const r = document.createRange();
			r.setStart(...at(from)); r.setEnd(...at(to - 1)); r.setEnd(r.endContainer, r.endOffset + 1);
			r.startContainer.parentElement.scrollIntoView({block: "center"});
			const rects = r.getClientRects(), a = rects[0], b = rects[rects.length - 1];
			// The drag ends just past the full stop, in the space after it,
			// which the form trims.
			return {X1: a.left + 1, Y1: a.top + a.height / 2, X2: b.right + 1.5, Y2: b.top + b.height / 2};
		})()`, sentence))
		held := func(p *input.DispatchMouseEventParams) {
			p.Button, p.Buttons, p.ClickCount = input.MouseButtonLeft, 1, 1
		}
		tb.do(t, "select the sentence",
			chromedp.MouseEvent(chromedp.MousePressed, ends.X1, ends.Y1, held),
			chromedp.MouseEvent(chromedp.MouseMoved, (ends.X1+ends.X2)/2, (ends.Y1+ends.Y2)/2, held),
			chromedp.MouseEvent(chromedp.MouseMoved, ends.X2, ends.Y2, held),
			chromedp.MouseEvent(chromedp.MouseReleased, ends.X2, ends.Y2, held))
		tb.waitFor(t, "the new claim form", `document.getElementById("claim-form") !== null`)
		form := eval[struct{ Quote, Place string }](t, tb, `({Quote: document.querySelector("#detail-panel .new-quote").textContent,
			Place: document.querySelector("#detail-panel .sub").textContent})`)
		if form.Quote != "“"+sentence+"”" {
			tb.fatalf(t, "the form quotes %q, want the sentence", form.Quote)
		}
		start, end := pointOf(t, sentence)
		if want := fmt.Sprintf("Code points %d–%d", start, end); !strings.HasPrefix(form.Place, want) {
			t.Errorf("the form places the quote at %q, want %s", form.Place, want)
		}
		tb.screenshot(t, "reader-new-claim-form")

		eval[chromedp.Void](t, tb, `document.getElementById("claim-subject").value = ""`)
		tb.pickSuggestion(t, "claim-subject", "accounts operating from India", "X accounts operating from India")
		eval[chromedp.Void](t, tb, `(() => { const s = document.getElementById("claim-relation"); s.value = "linked-to"; s.dispatchEvent(new Event("change")); })()`)
		eval[chromedp.Void](t, tb, `document.getElementById("claim-object").value = ""`)
		tb.pickSuggestion(t, "claim-object", "TTP", "Tehrik-e-Taliban Pakistan")
		tb.pickSuggestion(t, "claim-claimant", "Talal", "Talal Chaudhry")
		tb.do(t, "save", chromedp.Click(chromedp.CSS("#claim-save")))
		tb.waitFor(t, "the saved claim", explorerIdle+` && location.search.includes("sel=relation:x-accounts-india.linked-to.ttp")`)
		if msg := eval[string](t, tb, `(document.getElementById("claim-error") || {}).textContent || ""`); msg != "" {
			t.Fatalf("saving failed: %s", msg)
		}
		tb.waitFor(t, "the new claim highlighted and in the graph", readerIdle+
			` && [...document.querySelectorAll("#reader-text .seg.current")].map(s => s.textContent).join("") === `+jsString(sentence)+
			` && `+cyJS+`.getElementById("relation:x-accounts-india.linked-to.ttp").length === 1`)
		var stored struct {
			Relation struct {
				Claims []struct {
					Quote, RecordedBy string
					Claimant          struct{ ID string }
					Anchor            struct{ Start, End int }
				}
			}
		}
		s.query(t, `{ relation(id: "relation:x-accounts-india.linked-to.ttp") { claims { quote recordedBy claimant { id } anchor { start end } } } }`, &stored)
		if c := stored.Relation.Claims; len(c) != 1 || c[0].Quote != sentence || c[0].Claimant.ID != "talal-chaudhry" || c[0].Anchor.Start != start || c[0].RecordedBy != "admin" {
			t.Errorf("stored claims %+v, want Talal Chaudhry's with the sentence at %d, recorded by the token's user", c, start)
		}
		tb.screenshot(t, "reader-claim-saved")
	})

	t.Run("a draft suggestion is accepted, another dismissed", func(t *testing.T) {
		tb.do(t, "open the reader", chromedp.Navigate(s.url+"/explore?read="+seedSourceID))
		tb.waitFor(t, "the suggestions", readerIdle+` && document.querySelectorAll("#reader-text .seg.suggest").length > 0`)
		click := func(what, key string) {
			tb.do(t, "click the suggestion of "+what, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#reader-text .seg.suggest[data-suggest^=%q]:not([data-claims])`, key))))
			tb.waitFor(t, "the suggestion's panel", `document.getElementById("suggestion-title") !== null`)
		}
		click("the refuge", "ttp|refuge-in|afghanistan|")
		tb.screenshot(t, "reader-suggestion")
		tb.do(t, "accept it", chromedp.Click(chromedp.CSS("#suggestion-accept")))
		tb.waitFor(t, "the accepted claim", explorerIdle+` && location.search.includes("sel=relation:ttp.refuge-in.afghanistan")`)
		click("the Afghan Taliban's rule", "afghan-taliban|governs|afghanistan|")
		tb.do(t, "dismiss it", chromedp.Click(chromedp.CSS("#suggestion-dismiss")))
		tb.waitFor(t, "no suggestion left", `document.querySelectorAll("#reader-text .seg.suggest").length === 0`)
		var after struct {
			Refuge, Governs *struct{ ID string }
		}
		s.query(t, `{ refuge: relation(id: "relation:ttp.refuge-in.afghanistan") { id } governs: relation(id: "relation:afghan-taliban.governs.afghanistan") { id } }`, &after)
		if after.Refuge == nil || after.Governs != nil {
			t.Errorf("after accepting and dismissing: refuge %v, governs %v; want only the accepted one stored", after.Refuge, after.Governs)
		}
		// A dismissed suggestion stays dismissed on the next visit.
		tb.do(t, "reload", chromedp.Reload())
		tb.waitFor(t, "the reader", readerIdle)
		if n := eval[int](t, tb, `document.querySelectorAll("#reader-text .seg.suggest").length`); n != 0 {
			t.Errorf("%d suggestions after a reload, want the dismissed one gone", n)
		}
		tb.screenshot(t, "reader-after-suggestions")
	})
	tb.checkClean(t)
}

// pointOf returns where quote starts in the seed article, in code points,
// and where it ends.
func pointOf(tb testing.TB, quote string) (int, int) {
	tb.Helper()
	data, err := os.ReadFile("../../seed/data/000-pakistan-warns-social-media.txt")
	if err != nil {
		tb.Fatal(err)
	}
	i := strings.Index(string(data), quote)
	if i < 0 {
		tb.Fatalf("%q is not in the seed article", quote)
	}
	start := utf8.RuneCount(data[:i])
	return start, start + utf8.RuneCountInString(quote)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
