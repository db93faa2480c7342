package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Backup writes a consistent copy of the database to path with VACUUM INTO:
// it reads one snapshot, so it is safe while the bot serves and writes. The
// target must not exist (VACUUM INTO refuses to overwrite, and so do we, so
// that a typo cannot clobber a good backup).
func (db *DB) Backup(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("backup: no target file")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file name", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	// A connection of its own: VACUUM INTO only reads the source inside one
	// read transaction (WAL lets writers go on), but the read pool is
	// query_only, which SQLite applies to the target file too, and the
	// single writer must not be held for the length of a copy.
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db.path}).EscapedPath()+"?"+backupParams)
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", db.path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// backupParams are the pragmas of the backup connection.
const backupParams = "_pragma=busy_timeout(5000)"

// IntegrityCheck runs SQLite's integrity_check and returns an error with
// its findings unless the database is sound (after a crash, before a
// restore).
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.reader.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if s != "ok" {
			found = append(found, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(found) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(found, "; "))
	}
	return nil
}
