package demoweb

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestSetStateSwitchesPages(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	changes, err := State2Changes()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range changes {
		kinds[c.Kind]++
	}
	if kinds[StateAmended] != 2 || kinds[StateWithdrawn] != 1 || kinds[StateNew] != 1 {
		t.Fatalf("second state changes %v, want 2 amended, 1 withdrawn, 1 new", kinds)
	}
	get := func(site, p string) (int, string) {
		t.Helper()
		resp, err := http.Get(w.URL(site) + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	bodies := map[string]string{}
	for _, c := range changes {
		code, body := get(c.Site, c.Path)
		want := http.StatusOK
		if c.Kind == StateNew {
			want = http.StatusNotFound
		}
		if code != want {
			t.Errorf("state 1: %s %s answered %d, want %d", c.Site, c.Path, code, want)
		}
		bodies[c.Site+c.Path] = body
	}
	if err := w.SetState(2); err != nil {
		t.Fatal(err)
	}
	if w.State() != 2 {
		t.Fatalf("State() = %d after SetState(2)", w.State())
	}
	for _, c := range changes {
		code, body := get(c.Site, c.Path)
		switch c.Kind {
		case StateWithdrawn:
			if code != http.StatusGone {
				t.Errorf("state 2: withdrawn %s answered %d, want 410", c.Path, code)
			}
		case StateAmended:
			if code != http.StatusOK || body == bodies[c.Site+c.Path] {
				t.Errorf("state 2: amended %s answered %d, changed %v", c.Path, code, body != bodies[c.Site+c.Path])
			}
		case StateNew:
			if code != http.StatusOK {
				t.Errorf("state 2: new %s answered %d", c.Path, code)
			}
		}
		if c.Kind != StateAmended {
			// The listing links both the new page and (stale) the withdrawn one.
			s := w.sites[c.Site]
			found := false
			for _, p := range s.pages {
				found = found || p.Path == c.Path
			}
			if !found {
				t.Errorf("state 2: %s %s not in the site's page list", c.Kind, c.Path)
			}
		}
	}
	if err := w.SetState(1); err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		code, body := get(c.Site, c.Path)
		if c.Kind == StateAmended && body != bodies[c.Site+c.Path] {
			t.Errorf("back in state 1: %s still amended", c.Path)
		}
		if c.Kind == StateWithdrawn && code != http.StatusOK {
			t.Errorf("back in state 1: %s answered %d", c.Path, code)
		}
		if c.Kind == StateNew && (code != http.StatusNotFound || strings.Contains(body, "electoral")) {
			t.Errorf("back in state 1: new page %s answered %d", c.Path, code)
		}
	}
	if err := w.SetState(3); err == nil {
		t.Error("SetState(3) accepted")
	}
}
