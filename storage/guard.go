package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/klimabot/klimabot/commands"
)

// The guard watches two ways a write can be lost while the bot serves
// (issue 11 items 8 and 10):
//
//   - The file at the path is no longer the one open (deleted, or another
//     file moved over it). SQLite goes on writing into the open file, which
//     nobody will ever open again, and a reader connection opened later reads
//     the new file beside the old write-ahead log. The guard compares the
//     device and inode of the path with those recorded at Open, before and
//     after every group commit (one stat each, about a microsecond beside the
//     millisecond fsync of a commit; BenchmarkFileCheck) and on every health
//     check. Once lost, the
//     store refuses every write for good (ErrFileLost), Lost is closed, and
//     `serve` rescues what the open file holds and exits for the supervisor.
//   - The disk is full or read-only: SQLite refuses the write. The error is
//     marked as commands.ErrNotStored (the person is told that nothing was
//     stored), and Ping fails until a write succeeds again.
//
// The seam with the write path (commit.go): refuse before a write is
// queued, check just before a batch's COMMIT and after it (beforeAck), done
// with each write's outcome before it is acknowledged.

// ErrFileLost is wrapped by every write refused because the database file
// at the configured path is not the file the store has open.
var ErrFileLost = errors.New("the database file at the configured path is no longer the one open (deleted or replaced)")

// fileID is what identifies a file on one machine.
type fileID struct{ dev, ino uint64 }

func statID(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, fmt.Errorf("stat %s: no device and inode on this system", path)
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil //nolint:unconvert // Dev is not uint64 everywhere
}

// guard is the state the checks share. The zero guard (no path) checks
// nothing.
type guard struct {
	path string
	id   fileID
	// sidecars are the -wal and -shm files of the open database, as they
	// were at Open (a zero id: none then).
	sidecars map[string]fileID

	mu       sync.Mutex
	lost     error         // set once, never cleared
	lostC    chan struct{} // closed when lost is set
	writeErr error         // the last write failed for want of space or rights; nil after a success
}

func newGuard(path string) (*guard, error) {
	id, err := statID(path)
	if err != nil {
		return nil, err
	}
	g := &guard{path: path, id: id, lostC: make(chan struct{}), sidecars: map[string]fileID{}}
	for _, suffix := range []string{"-wal", "-shm"} {
		if sid, err := statID(path + suffix); err == nil {
			g.sidecars[path+suffix] = sid
		}
	}
	return g, nil
}

// removeOwnSidecars runs after the store closed when its file was lost:
// SQLite may leave the open database's -wal and -shm at the path (a
// connection that was still busy keeps it from deleting them), and a
// -wal beside a file moved in would be replayed into that other file at
// its next open and damage it. Only the files that are still the ones of
// the open database are removed; their content is in the rescued copy.
func (g *guard) removeOwnSidecars() error {
	if g == nil || g.lostErr() == nil {
		return nil
	}
	var errs []error
	for p, sid := range g.sidecars {
		if cur, err := statID(p); err == nil && cur == sid {
			if err := os.Remove(p); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// check stats the path and reports ErrFileLost (wrapped, with what
// happened) when it is no longer the open file. A stat that fails for
// another reason (a permission change of the directory) is reported but
// does not condemn the file.
func (g *guard) check() error {
	if g == nil {
		return nil
	}
	if err := g.lostErr(); err != nil {
		return err
	}
	id, err := statID(g.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return g.trip(fmt.Errorf("%w: %s was deleted", ErrFileLost, g.path))
	case err != nil:
		return fmt.Errorf("check database file: %w", err)
	case id != g.id:
		return g.trip(fmt.Errorf("%w: %s is now another file (moved or copied over it)", ErrFileLost, g.path))
	}
	return nil
}

func (g *guard) lostErr() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lost
}

// trip records the loss once and returns it, marked as not stored.
func (g *guard) trip(err error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.lost == nil {
		g.lost = fmt.Errorf("%w: %w", commands.ErrNotStored, err)
		close(g.lostC)
	}
	return g.lost
}

// refuse is called before a write transaction starts: a lost file takes
// no more writes.
func (g *guard) refuse() error {
	if g == nil {
		return nil
	}
	return g.lostErr()
}

// done is called with a write's outcome before the write is acknowledged.
// (Whether the file is still the one at the path was checked once for the
// write's whole batch, after its commit: DB.beforeAck.) A write SQLite
// refused for want of space or rights is marked commands.ErrNotStored and
// remembered for Ping; a success forgets it.
func (g *guard) done(err error) error {
	if g == nil {
		return err
	}
	if err == nil {
		g.mu.Lock()
		g.writeErr = nil
		g.mu.Unlock()
		return nil
	}
	if errors.Is(err, commands.ErrNotStored) || !cannotWrite(err) {
		return err
	}
	g.mu.Lock()
	g.writeErr = err
	g.mu.Unlock()
	return fmt.Errorf("%w: %w", commands.ErrNotStored, err)
}

// failedWrite returns the error of the last write when it failed for want
// of space or rights.
func (g *guard) failedWrite() error {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.writeErr
}

// cannotWrite reports whether err is SQLite saying that the file cannot
// take the write: disk full (or max_page_count reached), read-only file
// or file system, an I/O error, the journal cannot be opened.
func cannotWrite(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return true
		}
	}
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EROFS)
}

// foreignKeyFailed reports whether err is SQLite refusing a row whose
// foreign key names no row (a measure that does not exist).
func foreignKeyFailed(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// Lost is closed when the store found that the file at its path is no
// longer the one it has open; serve stops then.
func (db *DB) Lost() <-chan struct{} {
	if db.guard == nil {
		return nil
	}
	return db.guard.lostC
}

// CheckFile stats the path now: ErrFileLost (wrapped) when the file was
// deleted or replaced.
func (db *DB) CheckFile() error { return db.guard.check() }

// WatchFile checks the file every interval until ctx ends or the file is
// lost, so that a bot that only reads notices too.
func (db *DB) WatchFile(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-db.Lost():
			return
		case <-t.C:
			db.guard.check()
		}
	}
}

// writable is Ping's part: the file is still the one open, and when the
// last write failed for want of space or rights, a probe write succeeds
// now (so health recovers once space is freed, without waiting for a
// person's write).
func (db *DB) writable(ctx context.Context) error {
	if err := db.guard.check(); err != nil {
		return err
	}
	if db.guard.failedWrite() == nil {
		return nil
	}
	err := db.write(ctx, func(tx querier) error {
		// room for an entry of a few kilobytes: two new pages, so that a
		// full disk (or max_page_count) refuses it; deleted again at once
		if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO processed_events (event_id, received_at) VALUES ('klimabot-health-probe', hex(zeroblob(4096)))"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM processed_events WHERE event_id = 'klimabot-health-probe'")
		return err
	})
	if err != nil {
		return fmt.Errorf("the database cannot store anything: %w", err)
	}
	return nil
}

// Rescue copies what the open file holds (every acknowledged write) to a
// new file beside the configured path, named PATH.rescued-TIME, and
// returns its name. serve calls it when the file was lost: after a delete
// or a move, the open file is the only place the town's record is left.
func (db *DB) Rescue(ctx context.Context) (string, error) {
	target := fmt.Sprintf("%s.rescued-%s", db.path, time.Now().UTC().Format("20060102T150405Z"))
	if _, err := os.Stat(filepath.Dir(target)); err != nil {
		return "", fmt.Errorf("rescue: %w", err)
	}
	// the writer: its connection holds the open file and its log, and the
	// guard keeps every other write out now
	if _, err := db.writer.ExecContext(ctx, "VACUUM INTO ?", target); err != nil {
		return "", fmt.Errorf("rescue to %s: %w", target, err)
	}
	return target, nil
}

// holdReaders opens every connection of the read pool now (the pool keeps
// them: no lifetime, as many idle as open), so that no reader opens the
// path later, when it may be no file (SQLite would create an empty
// database there) or another file (read beside the old write-ahead log).
// The readers see the file the writer has open, until the guard stops the
// store.
func holdReaders(ctx context.Context, r *sql.DB, n int) error {
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close() // back to the pool
		}
	}()
	for range n {
		c, err := r.Conn(ctx)
		if err != nil {
			return err
		}
		conns = append(conns, c)
	}
	return nil
}
