package storage

import (
	"context"
	"database/sql"
)

// WriteTx runs fn as one write, for tests that set up data in bulk or try
// what the schema forbids. It goes through the committer like every write,
// so the read cache sees it (fn must not commit or roll back tx).
func (db *DB) WriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.write(ctx, func(q querier) error { return fn(q.(cachedTx).tx) })
}

// ReadDB returns the read pool, for tests that inspect connection settings.
func (db *DB) ReadDB() *sql.DB { return db.reader }

// WriteDB returns the writer, for tests that inspect connection settings.
func (db *DB) WriteDB() *sql.DB { return db.writer }

// MigrationCount is the number of embedded migrations; numbers may have
// gaps (each branch of work takes its own), so it can differ from
// SchemaVersion.
func MigrationCount() int {
	ms, err := migrations()
	if err != nil {
		return -1
	}
	return len(ms)
}
