package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/crypto/bcrypt"
)

// Roles. Readers need no account; editors curate events; admins also
// manage users and read the audit log.
const (
	RoleEditor = "editor"
	RoleAdmin  = "admin"
)

// ErrBadCredentials is returned by Authenticate for an unknown name, a
// wrong password or a disabled account alike, so a caller cannot tell
// which names exist.
var ErrBadCredentials = errors.New("wrong name or password")

// ErrExists is returned when a user name is already taken.
var ErrExists = errors.New("already exists")

// UserError is a user name, role or password AddUser refuses; its
// message says what to change.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

// MinPasswordLen is the shortest password AddUser accepts. bcrypt reads at
// most 72 bytes, so longer ones are refused rather than silently cut.
const (
	MinPasswordLen = 10
	maxPasswordLen = 72
)

// User is an account that can sign in.
type User struct {
	ID        int64
	Name      string
	Role      string
	CreatedAt time.Time
	Disabled  bool
}

// IsAdmin reports whether u may manage users and read the audit log.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// CanCurate reports whether u may change events.
func (u *User) CanCurate() bool { return u != nil && (u.Role == RoleEditor || u.Role == RoleAdmin) }

// bcryptCost is a variable so tests of the store can run fast; it is never
// changed outside tests.
var bcryptCost = bcrypt.DefaultCost

// ValidUserName checks a user name: 1 to 64 letters, digits, '.', '-',
// '_' or '@', so names are safe in logs and URLs.
func ValidUserName(name string) error {
	if name == "" || len(name) > 64 {
		return &UserError{"user name must be 1 to 64 characters"}
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(".-_@", r) {
			return &UserError{fmt.Sprintf("user name %q: only letters, digits, '.', '-', '_' and '@' are allowed", name)}
		}
	}
	return nil
}

// ValidRole checks a role name.
func ValidRole(role string) error {
	if role != RoleEditor && role != RoleAdmin {
		return &UserError{fmt.Sprintf("role must be %q or %q, not %q", RoleEditor, RoleAdmin, role)}
	}
	return nil
}

// HasUser reports whether an account of that name exists, so a caller
// can refuse a name before asking for a password.
func (db *DB) HasUser(ctx context.Context, name string) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE name = ?`, name).Scan(&n); err != nil {
		return false, fmt.Errorf("look up user %s: %w", name, err)
	}
	return n > 0, nil
}

// AddUser creates an account with a bcrypt hash of the password.
func (db *DB) AddUser(ctx context.Context, name, role, password string) (*User, error) {
	if err := ValidUserName(name); err != nil {
		return nil, fmt.Errorf("add user: %w", err)
	}
	if err := ValidRole(role); err != nil {
		return nil, fmt.Errorf("add user %s: %w", name, err)
	}
	if len(password) < MinPasswordLen {
		return nil, fmt.Errorf("add user %s: %w", name, &UserError{fmt.Sprintf("password must be at least %d characters", MinPasswordLen)})
	}
	if len(password) > maxPasswordLen {
		return nil, fmt.Errorf("add user %s: %w", name, &UserError{fmt.Sprintf("password must be at most %d bytes", maxPasswordLen)})
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return nil, fmt.Errorf("add user %s: hash password: %w", name, err)
	}
	u := &User{Name: name, Role: role, CreatedAt: db.Now()}
	err = db.write.QueryRowContext(ctx, `INSERT INTO users (name, role, password_hash, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`,
		name, role, string(hash), formatTime(u.CreatedAt)).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("add user %s: %w", name, ErrExists)
	}
	if err != nil {
		return nil, fmt.Errorf("add user %s: %w", name, err)
	}
	return u, nil
}

// dummyHash is compared against when a name is unknown, so signing in as
// a missing user takes as long as a wrong password. It is made on first
// use so programs that never sign anyone in do not pay for it.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("policywatch-no-such-user"), bcryptCost)
	return h
})

// Authenticate checks a name and password and returns the account.
func (db *DB) Authenticate(ctx context.Context, name, password string) (*User, error) {
	var (
		u       User
		hash    string
		created string
	)
	err := db.read.QueryRowContext(ctx, `SELECT id, name, role, password_hash, created_at, disabled
		FROM users WHERE name = ?`, name).Scan(&u.ID, &u.Name, &u.Role, &hash, &created, &u.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate %s: %w", name, err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || u.Disabled {
		return nil, ErrBadCredentials
	}
	u.CreatedAt = parseTime(created)
	return &u, nil
}

// Users lists the accounts by name.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, role, created_at, disabled FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var (
			u       User
			created string
		)
		if err := rows.Scan(&u.ID, &u.Name, &u.Role, &created, &u.Disabled); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		u.CreatedAt = parseTime(created)
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetPassword replaces a user's password and ends their sessions, since a
// password change usually means the old one leaked.
func (db *DB) SetPassword(ctx context.Context, name, password string) error {
	if len(password) < MinPasswordLen || len(password) > maxPasswordLen {
		return fmt.Errorf("set password of %s: password must be %d to %d characters", name, MinPasswordLen, maxPasswordLen)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("set password of %s: %w", name, err)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set password of %s: %w", name, err)
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, `UPDATE users SET password_hash = ? WHERE name = ? RETURNING id`,
		string(hash), name).Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("set password of %s: %w", name, ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("set password of %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
		return fmt.Errorf("set password of %s: end sessions: %w", name, err)
	}
	return tx.Commit()
}
