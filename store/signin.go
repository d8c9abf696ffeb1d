package store

import (
	"context"
	"fmt"
	"time"
)

// The sign-in log: the web's sign-in limits (web/auth.go) keep their
// counts here, so that every server of a shared archive counts the same
// failures. *DB satisfies web.SignInLog.

// SignInFailures returns the failures counted under key since since,
// oldest first.
func (db *DB) SignInFailures(ctx context.Context, key string, since time.Time) ([]time.Time, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT at FROM signin_failures WHERE key = ? AND at > ? ORDER BY at`,
		key, since.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("read sign-in failures: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return nil, fmt.Errorf("read sign-in failures: %w", err)
		}
		out = append(out, time.Unix(0, at))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sign-in failures: %w", err)
	}
	return out, nil
}

// AddSignInFailure counts one failure at at under each key, and forgets
// the failures from before forgetBefore, which no limit counts any more.
func (db *DB) AddSignInFailure(ctx context.Context, keys []string, at, forgetBefore time.Time) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record a failed sign-in: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE at <= ?`, forgetBefore.UnixNano()); err != nil {
		return fmt.Errorf("record a failed sign-in: %w", err)
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO signin_failures (key, at) VALUES (?, ?)`, k, at.UnixNano()); err != nil {
			return fmt.Errorf("record a failed sign-in: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record a failed sign-in: %w", err)
	}
	return nil
}

// ClearSignInFailures forgets the failures counted under key.
func (db *DB) ClearSignInFailures(ctx context.Context, key string) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM signin_failures WHERE key = ?`, key); err != nil {
		return fmt.Errorf("clear sign-in failures: %w", err)
	}
	return nil
}

// SignInAddresses returns the addresses account signed in from, newest
// first.
func (db *DB) SignInAddresses(ctx context.Context, account string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT addr FROM signin_addresses WHERE account = ? ORDER BY at DESC, addr`, account)
	if err != nil {
		return nil, fmt.Errorf("read sign-in addresses: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("read sign-in addresses: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sign-in addresses: %w", err)
	}
	return out, nil
}

// RememberSignInAddress records that account signed in from addr at at,
// keeping its newest keep addresses.
func (db *DB) RememberSignInAddress(ctx context.Context, account, addr string, at time.Time, keep int) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("remember a sign-in address: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO signin_addresses (account, addr, at) VALUES (?, ?, ?)
		ON CONFLICT (account, addr) DO UPDATE SET at = excluded.at`, account, addr, at.UnixNano()); err != nil {
		return fmt.Errorf("remember a sign-in address: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_addresses WHERE account = ? AND addr NOT IN
		(SELECT addr FROM signin_addresses WHERE account = ? ORDER BY at DESC, addr LIMIT ?)`, account, account, keep); err != nil {
		return fmt.Errorf("remember a sign-in address: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("remember a sign-in address: %w", err)
	}
	return nil
}
