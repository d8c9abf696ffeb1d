package store

import (
	"context"
	"path/filepath"
	"testing"
)

func TestVerifyCatchesAChangedByte(t *testing.T) { eachEngine(t, testVerifyCatchesAChangedByte) }

func testVerifyCatchesAChangedByte(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	for _, u := range []string{"https://a.example/1", "https://a.example/2"} {
		d, c := testDoc(u, "text of "+u)
		if _, err := db.SaveCapture(ctx, d, c); err != nil {
			t.Fatal(err)
		}
	}
	var bad []Mismatch
	n, err := db.Verify(ctx, func(m Mismatch) { bad = append(bad, m) })
	if err != nil || n != 2 || len(bad) != 0 {
		t.Fatalf("clean store: checked %d, mismatches %v, err %v", n, bad, err)
	}
	// Tamper with one stored body, as a disk fault or an edit would.
	tampered, err := gzipBytes([]byte("<html>text of https://a.example/X</html>"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE captures SET body_gzip = ? WHERE id = 2`, tampered); err != nil {
		t.Fatal(err)
	}
	bad = nil
	if _, err := db.Verify(ctx, func(m Mismatch) { bad = append(bad, m) }); err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || bad[0].CaptureID != 2 || bad[0].URL != "https://a.example/2" {
		t.Errorf("mismatches = %+v, want capture 2", bad)
	}
}

func TestBackupIsAUsableStore(t *testing.T) { eachEngine(t, testBackupIsAUsableStore) }

func testBackupIsAUsableStore(t *testing.T, e testEngine) {
	ctx := context.Background()
	db := e.open(t)
	d, c := testDoc("https://a.example/1", "text")
	if _, err := db.SaveCapture(ctx, d, c); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); err == nil {
		t.Error("backup overwrote an existing file")
	}
	restored, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if n, _ := restored.CountDocuments(ctx); n != 1 {
		t.Errorf("backup holds %d documents", n)
	}
	if n, err := restored.Verify(ctx, func(m Mismatch) { t.Errorf("mismatch in backup: %+v", m) }); err != nil || n != 1 {
		t.Errorf("verify backup: %d, %v", n, err)
	}
}
