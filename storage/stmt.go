package storage

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// querier is what the query code needs: a pool or a transaction whose
// statements are prepared once and reused.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// stmtCache keeps prepared statements of one pool by their SQL text.
// Compiling SQL costs about as much as running these small indexed queries,
// so the hot paths (status, list, deadlines) prepare once per connection;
// database/sql re-prepares a Stmt on each connection it lands on. The SQL
// texts are constants or a handful of variants, so the cache stays small.
type stmtCache struct {
	pool *sql.DB
	// detach runs the statements on contexts that cannot be cancelled (see
	// detached).
	detach bool
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	// missed are queries that ran unprepared inside a transaction (which
	// cannot prepare on the pool: see get); learn prepares them once the
	// transaction has given its connection back.
	missed map[string]bool
	// learning turns miss on; warm sets it, so that the migrations run at
	// Open are not learnt.
	learning atomic.Bool
}

// maxCached bounds the statements a cache keeps, counting those it means
// to learn: the texts are constants or a handful of variants, but a cache
// must not grow with the data if one day a text is built from it.
const maxCached = 256

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}, missed: map[string]bool{}}
}

// miss notes that query ran unprepared inside a transaction.
func (c *stmtCache) miss(query string) {
	if !c.learning.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pool != nil && len(c.m)+len(c.missed) < maxCached {
		c.missed[query] = true
	}
}

// learn prepares the queries that missed the cache, so that transactions
// find them from now on. It must be called without holding a connection of
// the pool (after a transaction ended). A query that fails to prepare is
// not retried until it misses again.
func (c *stmtCache) learn(ctx context.Context) {
	c.mu.Lock()
	if len(c.missed) == 0 {
		c.mu.Unlock()
		return
	}
	qs := make([]string, 0, len(c.missed))
	for q := range c.missed {
		qs = append(qs, q)
	}
	clear(c.missed)
	c.mu.Unlock()
	for _, q := range qs {
		_, _ = c.get(ctx, q) // on error it runs unprepared, and fails there if it must
	}
}

// detached returns ctx without its cancellation (its values kept).
//
// A statement run on a context that can be cancelled costs two goroutines
// and a progress handler: database/sql watches the context for each Rows
// (and each Tx), and the SQLite driver for each statement, to interrupt it.
// The reads of a command are small indexed queries that take well under a
// millisecond and never wait for a lock (WAL), so interrupting them gains
// nothing; their callers still check the context between steps. Measured
// in docs/PERFORMANCE.md ("Lean read path").
func detached(ctx context.Context) context.Context {
	if ctx.Done() == nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// use returns the context a statement of the cache runs on.
func (c *stmtCache) use(ctx context.Context) context.Context {
	if c.detach {
		return detached(ctx)
	}
	return ctx
}

// lookup returns the cached statement for query, nil if there is none.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// get returns the prepared statement for query, preparing it on first use.
// It must not be called while holding one of the pool's connections (inside
// a transaction): preparing takes a connection, and with all of them held
// it would wait forever. The mutex is not held while preparing, for the same
// reason.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := c.lookup(query); st != nil {
		return st, nil
	}
	st, err := c.pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok {
		st.Close()
		return old, nil
	}
	c.m[query] = st
	return st, nil
}

// warm prepares queries ahead of use, so that transactions find them, and
// from then on learns the queries that transactions miss.
func (c *stmtCache) warm(ctx context.Context, queries ...string) error {
	for _, q := range queries {
		if _, err := c.get(ctx, q); err != nil {
			return err
		}
	}
	c.learning.Store(true)
	return nil
}

// close closes all cached statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// ExecContext runs query as a cached statement on the pool.
func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := snapshotFor(ctx, c); s != nil {
		if q, ok := s.querier(); ok {
			return q.ExecContext(ctx, query, args...)
		}
	}
	ctx = c.use(ctx)
	st, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryContext runs query as a cached statement on the pool.
func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := snapshotFor(ctx, c); s != nil {
		if q, ok := s.querier(); ok {
			return q.QueryContext(ctx, query, args...)
		}
	}
	ctx = c.use(ctx)
	st, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext runs query as a cached statement on the pool. If the
// statement cannot be prepared, the error comes from the returned Row.
func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := snapshotFor(ctx, c); s != nil {
		if q, ok := s.querier(); ok {
			return q.QueryRowContext(ctx, query, args...)
		}
	}
	ctx = c.use(ctx)
	st, err := c.get(ctx, query)
	if err != nil {
		return c.pool.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// cachedTx is a transaction that uses its pool's cached statements when
// they were prepared before (see warm and learn) and plain queries
// otherwise. If ctx
// is set, every statement runs on it instead of the context it is given:
// the writes of a group commit share a transaction, and one caller's
// cancelled context must not interrupt the connection under the others.
type cachedTx struct {
	tx    *sql.Tx
	cache *stmtCache
	ctx   context.Context
}

// use returns the context a statement runs on.
func (t cachedTx) use(ctx context.Context) context.Context {
	if t.ctx != nil {
		return t.ctx
	}
	return ctx
}

// ExecContext runs query in the transaction.
func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = t.use(ctx)
	if st := t.cache.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	t.cache.miss(query)
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs query in the transaction.
func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = t.use(ctx)
	if st := t.cache.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	t.cache.miss(query)
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query in the transaction.
func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = t.use(ctx)
	if st := t.cache.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	t.cache.miss(query)
	return t.tx.QueryRowContext(ctx, query, args...)
}
