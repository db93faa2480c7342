package storage

import (
	"context"
	"database/sql"
)

// WriteTx runs fn in one write transaction, for tests that set up data in
// bulk or try what the schema forbids.
func (db *DB) WriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
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
