package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in user's session. Token is only known when the
// session is created: the store keeps its hash.
type Session struct {
	Token     string // the cookie value; empty when read back
	CSRF      string // per-session token every form must carry
	User      User
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionTTL is how long a session lasts after sign-in.
const SessionTTL = 12 * time.Hour

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a session for a user with fresh random session and
// CSRF tokens. Expired sessions are swept at the same time.
func (db *DB) CreateSession(ctx context.Context, u *User) (*Session, error) {
	token, err := randomToken()
	if err != nil {
		return nil, fmt.Errorf("create session for %s: %w", u.Name, err)
	}
	csrf, err := randomToken()
	if err != nil {
		return nil, fmt.Errorf("create session for %s: %w", u.Name, err)
	}
	now := db.Now()
	s := &Session{Token: token, CSRF: csrf, User: *u, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, formatTime(now)); err != nil {
		return nil, fmt.Errorf("create session for %s: sweep expired: %w", u.Name, err)
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, hashToken(token), u.ID, csrf, formatTime(now), formatTime(s.ExpiresAt)); err != nil {
		return nil, fmt.Errorf("create session for %s: %w", u.Name, err)
	}
	return s, nil
}

// Session returns the live session of a cookie token, or ErrNotFound when
// the token is unknown, expired or its account is disabled.
func (db *DB) Session(ctx context.Context, token string) (*Session, error) {
	if token == "" {
		return nil, ErrNotFound
	}
	var (
		s                Session
		created, expires string
		ucreated         string
	)
	err := db.read.QueryRowContext(ctx, `SELECT s.csrf, s.created_at, s.expires_at, u.id, u.name, u.role,
		u.created_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND u.disabled = 0`, hashToken(token)).Scan(
		&s.CSRF, &created, &expires, &s.User.ID, &s.User.Name, &s.User.Role, &ucreated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt, s.User.CreatedAt = parseTime(created), parseTime(expires), parseTime(ucreated)
	if !db.Now().Before(s.ExpiresAt) {
		return nil, ErrNotFound
	}
	return &s, nil
}

// DeleteSession ends a session (sign-out). Unknown tokens are not an
// error: the result is the same.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
