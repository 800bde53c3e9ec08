package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/claimgraph/claimgraph/graph/cayley/pgtest"
)

// TestConcurrentWritesKeepEveryAcknowledgedResult sends writes of one id
// at the same moment over HTTP: of the creates exactly one is ok, the
// others are CONFLICT, and what is stored is what the ok'd one wrote; of
// concurrent updates of different fields none is undone. On bolt and on
// PostgreSQL, where the writes also go through two servers sharing the
// database, as two processes would.
func TestConcurrentWritesKeepEveryAcknowledgedResult(t *testing.T) {
	const token = "race-token"
	for backend, store := range stores(t) {
		t.Run(backend, func(t *testing.T) {
			s := startServer(t, "--store", store(t), "--token", token)
			testConcurrentWrites(t, token, []string{s.url})
		})
	}
	t.Run("postgres, two servers", func(t *testing.T) {
		if os.Getenv(pgtest.Env) == "" && os.Getenv("CI") != "true" {
			t.Skipf("set %s to test two servers on one PostgreSQL store", pgtest.Env)
		}
		dsn := pgtest.FreshSchema(t, pgtest.DSN(t))
		a := startServer(t, "--store", dsn, "--token", token)
		b := startServer(t, "--store", dsn, "--token", token)
		testConcurrentWrites(t, token, []string{a.url, b.url})
	})
}

// raceRequests sends n requests at once, request i to urls[i%len(urls)],
// and returns the error codes and data of each.
func raceRequests(t *testing.T, urls []string, token string, n int, query func(i int) string) ([][]string, []string) {
	t.Helper()
	codes, data := make([][]string, n), make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			codes[i], data[i] = postAs(t, urls[i%len(urls)], token, query(i))
		})
	}
	close(start)
	wg.Wait()
	return codes, data
}

// oneOK returns the index of the one request that had no error, and
// fails the test unless exactly one had none and the others CONFLICT.
func oneOK(t *testing.T, codes [][]string) int {
	t.Helper()
	ok := -1
	var okCount, conflicts int
	for i, c := range codes {
		switch {
		case len(c) == 0:
			ok = i
			okCount++
		case slices.Equal(c, []string{"CONFLICT"}):
			conflicts++
		default:
			t.Errorf("request %d answered %v, want ok or CONFLICT", i, c)
		}
	}
	if okCount != 1 {
		t.Fatalf("%d requests answered ok and %d CONFLICT, want exactly 1 ok", okCount, conflicts)
	}
	return ok
}

func testConcurrentWrites(t *testing.T, token string, urls []string) {
	const n = 40
	read := func(t *testing.T, q string, out any) {
		t.Helper()
		for _, url := range urls {
			codes, data := postAs(t, url, "", q)
			if len(codes) > 0 {
				t.Fatalf("%s: %v", q, codes)
			}
			if err := json.Unmarshal([]byte(data), out); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("40 addEntity of one id: one ok, 39 CONFLICT, the ok'd type stored", func(t *testing.T) {
		types := []string{"Group", "Country"}
		codes, data := raceRequests(t, urls, token, n, func(i int) string {
			return fmt.Sprintf(`mutation { addEntity(id:"race-t1", type:%q, name:"Racer %d") { type name } }`, types[i%2], i)
		})
		winner := oneOK(t, codes)
		var created struct{ AddEntity struct{ Type, Name string } }
		if err := json.Unmarshal([]byte(data[winner]), &created); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("Racer %d", winner); created.AddEntity.Type != types[winner%2] || created.AddEntity.Name != want {
			t.Errorf("the ok'd create answered %+v, want type %s and name %s", created.AddEntity, types[winner%2], want)
		}
		var stored struct{ Entity struct{ Type, Name string } }
		read(t, `{ entity(id:"race-t1") { type name } }`, &stored)
		if stored.Entity != created.AddEntity {
			t.Errorf("stored %+v, but the client told ok was told %+v", stored.Entity, created.AddEntity)
		}
	})
	t.Run("40 addStatement on one triple with different quotes: one ok, its quote stored", func(t *testing.T) {
		for _, id := range []string{"race-a", "race-b"} {
			if codes, _ := postAs(t, urls[0], token, fmt.Sprintf(`mutation { addEntity(id:%q, type:"Group", name:%q) { id } }`, id, id)); len(codes) > 0 {
				t.Fatalf("addEntity %s: %v", id, codes)
			}
		}
		// A source without text: any quote may cite it.
		if codes, _ := postAs(t, urls[0], token, `mutation { addSource(id:"race-src", title:"Race") { id } }`); len(codes) > 0 {
			t.Fatalf("addSource: %v", codes)
		}
		codes, _ := raceRequests(t, urls, token, n, func(i int) string {
			return fmt.Sprintf(`mutation { addStatement(subject:"race-a", type:"allied-with", object:"race-b",
				claim:{source:"race-src", stance: ASSERTS, quote:"quote %d"}) { id } }`, i)
		})
		winner := oneOK(t, codes)
		var stored struct {
			Relation struct{ Claims []struct{ Quote string } }
		}
		read(t, `{ relation(id:"race-a.allied-with.race-b") { claims { quote } } }`, &stored)
		if want := fmt.Sprintf("quote %d", winner); len(stored.Relation.Claims) != 1 || stored.Relation.Claims[0].Quote != want {
			t.Errorf("stored claims %+v, want one with the ok'd quote %q", stored.Relation.Claims, want)
		}
	})
	t.Run("concurrent updateEntity of different fields: every ok'd field stored", func(t *testing.T) {
		if codes, _ := postAs(t, urls[0], token, `mutation { addEntity(id:"race-u", type:"Group", name:"Before") { id } }`); len(codes) > 0 {
			t.Fatalf("addEntity: %v", codes)
		}
		codes, _ := raceRequests(t, urls, token, 2*len(urls)+2, func(i int) string {
			if i%2 == 0 {
				return `mutation { updateEntity(id:"race-u", name:"After") { id } }`
			}
			return `mutation { updateEntity(id:"race-u", description:"Described") { id } }`
		})
		for i, c := range codes {
			if len(c) > 0 {
				t.Errorf("update %d answered %v", i, c)
			}
		}
		var stored struct {
			Entity struct{ Name, Description string }
		}
		read(t, `{ entity(id:"race-u") { name description } }`, &stored)
		if stored.Entity.Name != "After" || stored.Entity.Description != "Described" {
			t.Errorf("stored %+v after the updates of name and description all answered ok", stored.Entity)
		}
	})
}
