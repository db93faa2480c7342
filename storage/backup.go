package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
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
