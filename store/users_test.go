package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestUsersAndPasswords(t *testing.T) { eachEngine(t, testUsersAndPasswords) }

func testUsersAndPasswords(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	if _, err := db.AddUser(ctx, "alice", RoleAdmin, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, role, password string
		want                 string
	}{
		{"Alice", RoleEditor, "another long password", "already exists"},
		{"bob", "owner", "another long password", "role"},
		{"bob", RoleEditor, "short", "at least"},
		{"bob", RoleEditor, strings.Repeat("x", 73), "at most"},
		{"bob smith", RoleEditor, "another long password", "only letters"},
		{"", RoleEditor, "another long password", "1 to 64"},
	} {
		if _, err := db.AddUser(ctx, tc.name, tc.role, tc.password); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("AddUser(%q, %q): %v, want %q", tc.name, tc.role, err, tc.want)
		}
	}
	var row string
	if err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE name = 'alice'`).Scan(&row); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(row, "a long enough password") || !strings.HasPrefix(row, "$2") {
		t.Errorf("stored password %q is not a bcrypt hash", row)
	}
	for _, tc := range []struct{ name, password string }{
		{"alice", "wrong password!"},
		{"nobody", "a long enough password"},
		{"alice", ""},
	} {
		if _, err := db.Authenticate(ctx, tc.name, tc.password); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("Authenticate(%q, %q): %v, want ErrBadCredentials", tc.name, tc.password, err)
		}
	}
	u, err := db.Authenticate(ctx, "alice", "a long enough password")
	if err != nil || u.Name != "alice" || !u.IsAdmin() {
		t.Fatalf("Authenticate: %+v %v", u, err)
	}
	users, err := db.Users(ctx)
	if err != nil || len(users) != 1 || users[0].Role != RoleAdmin {
		t.Errorf("Users: %+v %v", users, err)
	}
}

func TestSessions(t *testing.T) { eachEngine(t, testSessions) }

func testSessions(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	u, err := db.AddUser(ctx, "ed", RoleEditor, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.CreateSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Token) < 40 || len(s.CSRF) < 40 || s.Token == s.CSRF {
		t.Fatalf("weak tokens %q %q", s.Token, s.CSRF)
	}
	var stored int
	_ = db.read.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE token_hash = ?`, s.Token).Scan(&stored)
	if stored != 0 {
		t.Error("the session token is stored in clear")
	}
	got, err := db.Session(ctx, s.Token)
	if err != nil || got.User.Name != "ed" || got.CSRF != s.CSRF {
		t.Fatalf("Session: %+v %v", got, err)
	}
	if _, err := db.Session(ctx, s.Token+"x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("altered token: %v", err)
	}
	now = now.Add(SessionTTL)
	if _, err := db.Session(ctx, s.Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}
	now = now.Add(-time.Hour)
	if err := db.SetPassword(ctx, "ed", "a new long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx, s.Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("session survived a password change: %v", err)
	}
	s2, _ := db.CreateSession(ctx, u)
	if err := db.DeleteSession(ctx, s2.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx, s2.Token); !errors.Is(err, ErrNotFound) {
		t.Errorf("session after logout: %v", err)
	}
}
