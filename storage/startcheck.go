package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// What a command that serves an existing database refuses at start (issue
// 11 item 9): a missing path (SQLite would create an empty database there
// and the bot would serve it as if the town had no plan), an empty file, a
// read-only file (every write would fail later), a file that is not a
// SQLite database, and a damaged one (PRAGMA quick_check). Only `import`
// and `demo` create databases.

// FileError is a database file a command refuses to open; its text is one
// line naming the file and what to do.
type FileError struct {
	Path string
	What string // what is wrong
	Do   string // what to do
}

func (e *FileError) Error() string {
	return fmt.Sprintf("database file %s %s: %s", e.Path, e.What, e.Do)
}

const (
	doCreate  = "check KLIMABOT_DB or --db; `klimabot import FILE` or `klimabot demo` create a database, or copy a backup (klimabot backup) to this path"
	doRestore = "nothing was changed; copy a backup (klimabot backup) to this path, or create a new database with `klimabot import FILE` or `klimabot demo`"
)

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// MustExist makes Open refuse a database file that is missing, empty,
// read-only, not a SQLite database or damaged (quick_check), instead of
// creating or serving it. Every command but import and demo opens with it.
func MustExist() Option {
	return func(db *DB) { db.mustExist = true }
}

// checkExisting is what MustExist checks before SQLite opens the file.
func checkExisting(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &FileError{path, "does not exist", doCreate}
	case err != nil:
		return &FileError{path, fmt.Sprintf("cannot be read (%v)", err), "check the path and its rights"}
	case !fi.Mode().IsRegular():
		return &FileError{path, "is not a regular file", doCreate}
	case fi.Size() == 0:
		return &FileError{path, "is empty (0 bytes)", doRestore}
	}
	// Root may write to a file without write permission; klimabot's file
	// must be writable by the service user, whoever runs it now.
	if fi.Mode().Perm()&0o222 == 0 || syscall.Access(path, 2 /* W_OK */) != nil {
		return &FileError{path, fmt.Sprintf("is read-only (%s)", fi.Mode().Perm()), "klimabot writes to it: make it writable for the user klimabot runs as (chmod u+w), or copy it to a writable place"}
	}
	if dir := filepath.Dir(path); syscall.Access(dir, 2|1 /* W_OK|X_OK */) != nil {
		return &FileError{path, "is in a directory klimabot cannot write to", "SQLite keeps its -wal and -shm files beside the database: make " + dir + " writable for the user klimabot runs as"}
	}
	f, err := os.Open(path)
	if err != nil {
		return &FileError{path, fmt.Sprintf("cannot be read (%v)", err), "check the path and its rights"}
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return &FileError{path, "is not a SQLite database (damaged, or another file)", doRestore}
	}
	return nil
}

// quickCheck runs PRAGMA quick_check on the writer before anything is
// migrated: a damaged file is refused as it is. (About 0.2 s on the store
// of SPEC's quality bars; see docs/PERFORMANCE.md.)
func quickCheck(ctx context.Context, w *sql.DB, path string) error {
	rows, err := w.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return &FileError{path, fmt.Sprintf("cannot be checked (%v)", err), doRestore}
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return &FileError{path, fmt.Sprintf("cannot be checked (%v)", err), doRestore}
		}
		if s != "ok" {
			found = append(found, s)
		}
	}
	if err := rows.Err(); err != nil {
		return &FileError{path, fmt.Sprintf("is damaged (%v)", err), doRestore}
	}
	if len(found) > 0 {
		more := ""
		if len(found) > 1 {
			more = fmt.Sprintf(" and %d more findings", len(found)-1)
		}
		return &FileError{path, fmt.Sprintf("is damaged (quick_check: %s%s)", strings.ReplaceAll(found[0], "\n", " "), more), doRestore}
	}
	return nil
}
