package storage_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/commands/translate"
	"github.com/klimabot/klimabot/storage"
)

// The cached reads answer from memory once read and see every write the
// moment it is acknowledged: the user, the channel (settings and follows)
// and the measure with its steps.
func TestReadCache_SeesEveryWrite(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImport(t, db, f019())
	m := mustSteps(t, db, "F.019")

	if err := db.SaveUser(ctx, commands.User{ID: "U1", Name: "Anna", Locale: "de-DE"}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if u, err := db.User(ctx, "U1"); err != nil || u.Name != "Anna" {
			t.Fatalf("user: %+v, %v", u, err)
		}
	}
	before := db.ReadCacheStats()
	if u, _ := db.User(ctx, "U1"); u.Name != "Anna" {
		t.Fatal("user changed")
	}
	if after := db.ReadCacheStats(); after.Hits != before.Hits+1 {
		t.Fatalf("a repeated read was not answered from the cache: %+v → %+v", before, after)
	}
	if err := db.SaveUser(ctx, commands.User{ID: "U1", Name: "Anna Nováková", Language: "cs"}); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(ctx, "U1"); u.Name != "Anna Nováková" || u.Language != "cs" {
		t.Errorf("after SaveUser the cache answered %+v", u)
	}
	inf := commands.Inference{Lang: "es", From: commands.InferLog, Text: "hola", At: time.Now().UTC()}
	if err := db.SetInferredLanguage(ctx, "U1", inf); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(ctx, "U1"); u.Inferred.Lang != "es" {
		t.Errorf("after SetInferredLanguage: %+v", u.Inferred)
	}

	ch := commands.DefaultChannel("C1", "")
	if got, _ := db.Channel(ctx, "C1"); len(got.Follows) != 0 || got.FollowAll {
		t.Fatalf("new channel: %+v", got)
	}
	ch.Follows, ch.Languages = []string{"F.019"}, []string{"de", "cs"}
	if err := db.SaveChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Channel(ctx, "C1"); len(got.Follows) != 1 || len(got.Languages) != 2 {
		t.Errorf("after SaveChannel the cache answered %+v", got)
	}

	if got := mustSteps(t, db, "F.019"); got.Steps[0].Done {
		t.Fatal("step 1 done before")
	}
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1, 2}, commands.Person{ID: "U1"}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if got := mustSteps(t, db, "F.019"); !got.Steps[0].Done || !got.Steps[1].Done {
		t.Errorf("after CompleteSteps the cache answered steps %+v", got.Steps[:2])
	}
	changed := f019()
	changed.Title = "Klimapartnerschaft (neu)"
	changed.Code = "f.019" // the same code key
	mustImport(t, db, changed)
	if got := mustSteps(t, db, "F.019"); got.Title != "Klimapartnerschaft (neu)" {
		t.Errorf("after a new import the cache answered title %q", got.Title)
	}
	if got, _ := db.Channel(ctx, "C1"); len(got.Follows) != 1 || got.Follows[0] != "f.019" {
		t.Errorf("the channel's follows show the code as it was: %v", got.Follows)
	}
}

// A write that fails half-way (the channel row written, then an unknown
// follow) leaves nothing behind, in SQLite or in the cache.
func TestReadCache_FailedWriteLeavesCacheRight(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImport(t, db, f019())
	ch := commands.DefaultChannel("C1", "")
	ch.Languages = []string{"de"}
	if err := db.SaveChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Channel(ctx, "C1"); len(got.Languages) != 1 {
		t.Fatal(got)
	}
	bad := ch
	bad.Languages, bad.Follows = []string{"cs"}, []string{"X.999"}
	err := db.SaveChannel(ctx, bad)
	var e *commands.Error
	if !errors.As(err, &e) || e.Code != commands.ENOTFOUND {
		t.Fatalf("save with an unknown follow: %v", err)
	}
	for range 2 { // the second answered from the cache
		if got, _ := db.Channel(ctx, "C1"); len(got.Languages) != 1 || got.Languages[0] != "de" {
			t.Errorf("after the failed write: %+v", got)
		}
	}
}

// What a caller does with a returned value does not change the next
// answer.
func TestReadCache_AnswersAreCopies(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImport(t, db, f019())
	ch := commands.DefaultChannel("C1", "")
	ch.Languages, ch.Follows = []string{"de", "cs"}, []string{"F.019"}
	if err := db.SaveChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got, _ := db.Channel(ctx, "C1")
		got.Languages[0] = "xx"
		got.Follows[0] = "X.1"
		m := mustSteps(t, db, "F.019")
		m.Title = "changed"
		m.Steps[0].Text = "changed"
	}
	if got, _ := db.Channel(ctx, "C1"); got.Languages[0] != "de" || got.Follows[0] != "F.019" {
		t.Errorf("channel: %+v", got)
	}
	if m := mustSteps(t, db, "F.019"); m.Title == "changed" || m.Steps[0].Text == "changed" {
		t.Errorf("measure: %q, %q", m.Title, m.Steps[0].Text)
	}
}

// Inside a snapshot whose read transaction has begun, the cache answers
// only what that transaction would: after a write it steps aside and the
// snapshot's own transaction answers, from before the write.
func TestReadCache_SnapshotSeesOneState(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImport(t, db, f019())
	m := mustSteps(t, db, "F.019") // cached now
	if err := db.SaveUser(ctx, commands.User{ID: "U1", Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	db.User(ctx, "U1") // cached now

	sctx, end := db.Snapshot(ctx)
	defer end()
	if _, err := db.Entries(sctx, m.ID, 0); err != nil { // the snapshot's transaction begins here
		t.Fatal(err)
	}
	before := db.ReadCacheStats()
	if u, _ := db.User(sctx, "U1"); u.Name != "Anna" {
		t.Fatal(u)
	}
	if got := db.ReadCacheStats(); got.Hits != before.Hits+1 {
		t.Errorf("the snapshot did not use the cache before any write: %+v → %+v", before, got)
	}
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1}, commands.Person{ID: "U1"}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveUser(ctx, commands.User{ID: "U1", Name: "Bea"}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.MeasureSteps(sctx, "F.019"); err != nil || got.Steps[0].Done {
		t.Errorf("the snapshot sees the step done (%v)", err)
	}
	if u, _ := db.User(sctx, "U1"); u.Name != "Anna" {
		t.Errorf("the snapshot sees the new name %q", u.Name)
	}
	if got := mustSteps(t, db, "F.019"); !got.Steps[0].Done {
		t.Error("outside the snapshot the step is not done")
	}
	if u, _ := db.User(ctx, "U1"); u.Name != "Bea" {
		t.Errorf("outside the snapshot the name is %q", u.Name)
	}
}

// A snapshot whose reads the cache answered has no transaction yet: a
// command such as `log` by a known person costs no reader connection. A
// read after a write then goes to SQLite and sees the write, never the
// cached value from before it.
func TestReadCache_SnapshotWithoutTransaction(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImport(t, db, f019())
	m := mustSteps(t, db, "F.019")
	if err := db.SaveUser(ctx, commands.User{ID: "U1", Name: "Anna"}); err != nil {
		t.Fatal(err)
	}
	db.User(ctx, "U1")
	sctx, end := db.Snapshot(ctx)
	defer end()
	before := db.ReadCacheStats()
	db.User(sctx, "U1")
	mustStepsCtx(t, db, sctx, "F.019")
	if got := db.ReadCacheStats(); got.Hits != before.Hits+2 || got.Misses != before.Misses {
		t.Errorf("reads in a fresh snapshot: %+v → %+v", before, got)
	}
	if _, err := db.CompleteSteps(ctx, m.ID, []int{1}, commands.Person{ID: "U1"}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if got := mustStepsCtx(t, db, sctx, "F.019"); !got.Steps[0].Done {
		t.Error("after the write the snapshot answered the cached steps")
	}
	end()
	if _, err := db.Entries(sctx, m.ID, 0); err == nil {
		t.Error("a read on an ended snapshot did not fail")
	}
}

// Another process writing the file (here: a second store on it, whose
// writes the first one's hook cannot see) shows within about a second.
func TestReadCache_AnotherProcessWrites(t *testing.T) {
	path := t.TempDir() + "/k.db"
	db := MustOpenDBAt(t, path)
	ctx := context.Background()
	mustImport(t, db, f019())
	if got := mustSteps(t, db, "F.019"); got.Steps[0].Done {
		t.Fatal("done before")
	}
	other := MustOpenDBAt(t, path)
	m := mustSteps(t, other, "F.019")
	if _, err := other.CompleteSteps(ctx, m.ID, []int{1}, commands.Person{ID: "U2"}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := mustSteps(t, db, "F.019")
		if got.Steps[0].Done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other store's write never showed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Readers and writers at once (run with -race): every read after an
// acknowledged write sees it.
func TestReadCache_ConcurrentWritesAndReads(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImport(t, db, f019())
	m := mustSteps(t, db, "F.019")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				sctx, end := db.Snapshot(ctx)
				db.MeasureSteps(sctx, "F.019")
				db.User(sctx, "U1")
				end()
				db.MeasureSteps(ctx, "F.019")
			}
		})
	}
	for n := 1; n <= 6; n++ {
		if _, err := db.CompleteSteps(ctx, m.ID, []int{n}, commands.Person{ID: "U1"}, time.Now(), nil); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveUser(ctx, commands.User{ID: "U1", Name: string(rune('A' + n))}); err != nil {
			t.Fatal(err)
		}
		got := mustSteps(t, db, "F.019")
		if !got.Steps[n-1].Done {
			t.Errorf("step %d not done right after its write", n)
		}
		if u, _ := db.User(ctx, "U1"); u.Name != string(rune('A'+n)) {
			t.Errorf("user name %q right after writing %q", u.Name, string(rune('A'+n)))
		}
	}
	close(stop)
	wg.Wait()
}

// mustStepsCtx reads a measure with its steps on ctx.
func mustStepsCtx(tb testing.TB, db *storage.DB, ctx context.Context, code string) *commands.Measure {
	tb.Helper()
	m, err := db.MeasureSteps(ctx, code)
	if err != nil {
		tb.Fatalf("measure %s: %v", code, err)
	}
	return m
}

// mustSteps reads a measure with its steps (the cached read).
func mustSteps(tb testing.TB, db *storage.DB, code string) *commands.Measure {
	tb.Helper()
	return mustStepsCtx(tb, db, context.Background(), code)
}

// Which measures have explicit deadlines is kept; a new deadline shows at
// once, also on a measure that had none.
func TestReadCache_MeasureDeadlines(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	b := f019()
	b.Code = "F.020"
	mustImport(t, db, f019(), b)
	m, other := mustSteps(t, db, "F.019"), mustSteps(t, db, "F.020")
	for range 2 {
		if ds, err := db.MeasureDeadlines(ctx, m.ID); err != nil || len(ds) != 0 {
			t.Fatalf("deadlines before: %v, %v", ds, err)
		}
	}
	if _, err := db.AddDeadline(ctx, commands.Deadline{MeasureID: m.ID, Due: commands.NewDate(2027, 3, 31), Text: "Bericht",
		CreatedBy: commands.Person{ID: "U1"}}); err != nil {
		t.Fatal(err)
	}
	if ds, err := db.MeasureDeadlines(ctx, m.ID); err != nil || len(ds) != 1 || ds[0].Text != "Bericht" {
		t.Errorf("after AddDeadline: %+v, %v", ds, err)
	}
	if ds, err := db.MeasureDeadlines(ctx, other.ID); err != nil || len(ds) != 0 {
		t.Errorf("the other measure: %+v, %v", ds, err)
	}
}

// Whether any translation into a language is stored: false until one is
// written, then true at once.
func TestReadCache_HasTranslations(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	for range 2 {
		if has, err := db.HasTranslations(ctx, "cs", "libretranslate"); err != nil || has {
			t.Fatalf("empty store: %v, %v", has, err)
		}
	}
	if err := db.SaveTranslations(ctx, []translate.Stored{{Fingerprint: "fp", Source: "de", Target: "cs",
		Provider: "libretranslate", Text: "Zpráva", At: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if has, err := db.HasTranslations(ctx, "cs", "libretranslate"); err != nil || !has {
		t.Errorf("after SaveTranslations: %v, %v", has, err)
	}
	if has, err := db.HasTranslations(ctx, "es", "libretranslate"); err != nil || has {
		t.Errorf("another language: %v, %v", has, err)
	}
	if has, err := db.HasTranslations(ctx, "cs", "deepl"); err != nil || has {
		t.Errorf("another provider: %v, %v", has, err)
	}
}

// logEntry adds an entry to measure id.
func logEntry(t *testing.T, db *storage.DB, id int64, text string) {
	t.Helper()
	if _, err := db.AddEntry(context.Background(), commands.Entry{MeasureID: id, Author: commands.Person{ID: "U1", Name: "Anna"},
		Text: text, Source: commands.SourceCommand, ChannelID: "C1"}); err != nil {
		t.Fatal(err)
	}
}

// texts lists the texts of Entries(ctx, id, 3).
func texts(t *testing.T, db *storage.DB, ctx context.Context, id int64) string {
	t.Helper()
	es, err := db.Entries(ctx, id, 3)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Text)
	}
	return strings.Join(out, "|")
}

// A measure's newest entries are cached per measure: a log to one measure
// leaves another's cached, and shows at once in its own. What the cache
// answers is what SQLite answers, field by field.
func TestReadCache_EntriesPerMeasure(t *testing.T) {
	db, f, a := twoLoggedMeasures(t)
	ctx := context.Background()
	if got := texts(t, db, ctx, f.ID); got != "eins" {
		t.Fatalf("entries of F.019: %q", got)
	}
	texts(t, db, ctx, a.ID)
	before := db.ReadCacheStats()
	logEntry(t, db, f.ID, "zwei")
	if got := texts(t, db, ctx, a.ID); got != "uno" {
		t.Errorf("entries of A.1: %q", got)
	}
	if got := db.ReadCacheStats(); got.Hits != before.Hits+1 {
		t.Errorf("a log to F.019 voided A.1's cached entries: %+v → %+v", before, got)
	}
	for i, want := range []string{"zwei|eins", "zwei|eins"} { // read, then cached
		if got := texts(t, db, ctx, f.ID); got != want {
			t.Errorf("read %d of F.019 after a log: %q, want %q", i, got, want)
		}
	}
	logEntry(t, db, f.ID, "drei")
	logEntry(t, db, f.ID, "vier")
	if got := texts(t, db, ctx, f.ID); got != "vier|drei|zwei" {
		t.Errorf("after two more logs: %q", got)
	}
	cached, err := db.Entries(ctx, f.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	all, err := db.Entries(ctx, f.ID, 0) // not cached: from SQLite
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cached, all[:3]) {
		t.Errorf("cached entries differ from SQLite's:\n%+v\n%+v", cached, all[:3])
	}
	cached[0].Text = "changed"
	if got := texts(t, db, ctx, f.ID); got != "vier|drei|zwei" {
		t.Errorf("a caller's change reached the cache: %q", got)
	}
}

// Inside a snapshot, a measure logged to after the snapshot began is read
// from the snapshot's transaction, never from a cache newer than it; a
// measure untouched since is still answered from the cache.
func TestReadCache_EntriesInSnapshot(t *testing.T) {
	db, f, a := twoLoggedMeasures(t)
	ctx := context.Background()
	texts(t, db, ctx, a.ID)
	sctx, end := db.Snapshot(ctx)
	defer end()
	if _, err := db.Entries(sctx, f.ID, 0); err != nil { // all: not cached, begins the transaction
		t.Fatal(err)
	}
	if got := texts(t, db, sctx, f.ID); got != "eins" {
		t.Fatal(got)
	}
	logEntry(t, db, f.ID, "zwei")
	texts(t, db, ctx, f.ID) // cached outside, with "zwei"
	if got := texts(t, db, sctx, f.ID); got != "eins" {
		t.Errorf("the snapshot sees %q", got)
	}
	before := db.ReadCacheStats()
	if got := texts(t, db, sctx, a.ID); got != "uno" {
		t.Errorf("the snapshot sees %q", got)
	}
	if got := db.ReadCacheStats(); got.Hits != before.Hits+1 {
		t.Errorf("entries untouched since the snapshot began were not taken from the cache: %+v → %+v", before, got)
	}
	if got := texts(t, db, ctx, f.ID); got != "zwei|eins" {
		t.Errorf("outside the snapshot: %q", got)
	}
}

// twoLoggedMeasures opens a store with F.019 and A.1, one entry each
// ("eins", "uno").
func twoLoggedMeasures(t *testing.T) (*storage.DB, *commands.Measure, *commands.Measure) {
	t.Helper()
	db := MustOpenDB(t)
	mustImport(t, db, f019(), commands.Measure{Code: "A.1", Title: "Rad"})
	f, a := mustSteps(t, db, "F.019"), mustSteps(t, db, "A.1")
	logEntry(t, db, f.ID, "eins")
	logEntry(t, db, a.ID, "uno")
	return db, f, a
}

// Entries added by another process show within about a second.
func TestReadCache_EntriesOfAnotherProcess(t *testing.T) {
	path := t.TempDir() + "/k.db"
	db := MustOpenDBAt(t, path)
	ctx := context.Background()
	mustImport(t, db, f019())
	f := mustSteps(t, db, "F.019")
	logEntry(t, db, f.ID, "eins")
	texts(t, db, ctx, f.ID)
	other := MustOpenDBAt(t, path)
	logEntry(t, other, f.ID, "zwei")
	for deadline := time.Now().Add(5 * time.Second); texts(t, db, ctx, f.ID) != "zwei|eins"; {
		if time.Now().After(deadline) {
			t.Fatal("the other store's entry never showed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// After a log, its measure's newest entries are ready for the next status:
// answered without a read of SQLite, and with the new entry.
func TestReadCache_EntriesReadyAfterLog(t *testing.T) {
	db, f, a := twoLoggedMeasures(t)
	ctx := context.Background()
	logEntry(t, db, f.ID, "zwei")
	logEntry(t, db, a.ID, "dos") // the committer refreshed F.019's entries before it took this write
	before := db.ReadCacheStats()
	if got := texts(t, db, ctx, f.ID); got != "zwei|eins" {
		t.Errorf("after the log: %q", got)
	}
	if got := db.ReadCacheStats(); got.Hits != before.Hits+1 || got.Misses != before.Misses {
		t.Errorf("the entries of the measure just logged to were not ready: %+v → %+v", before, got)
	}
}

// What is cached right after Open stays cached: the committer's check for
// another process's commits (once a second) starts from the store's state
// at Open, not from nothing.
func TestReadCache_KeptAfterTheFirstForeignCheck(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImport(t, db, f019())
	mustSteps(t, db, "F.019") // read and kept
	before := db.ReadCacheStats()
	mustSteps(t, db, "F.019")
	if got := db.ReadCacheStats(); got.Hits != before.Hits+1 {
		t.Fatalf("not cached: %+v → %+v", before, got)
	}
	time.Sleep(1500 * time.Millisecond) // the committer checks once a second
	before = db.ReadCacheStats()
	if _, err := db.MeasureSteps(ctx, "F.019"); err != nil {
		t.Fatal(err)
	}
	if got := db.ReadCacheStats(); got.Hits != before.Hits+1 || got.Misses != before.Misses {
		t.Errorf("the cache was voided with no other process writing: %+v → %+v", before, got)
	}
}

// A log to a measure whose list is cached merges the new entry into the
// list without a read, and the list is exactly what a read returns: every
// field, Entries' order (an entry dated earlier sorts below newer ones),
// the limit, and the measure's code on the first entry of an empty list.
func TestReadCache_EntriesMergedAfterLog(t *testing.T) {
	path := t.TempDir() + "/k.db"
	db := MustOpenDBAt(t, path)
	ctx := context.Background()
	mustImport(t, db, f019(), commands.Measure{Code: "A.1", Title: "Rad"})
	f, a := mustSteps(t, db, "F.019"), mustSteps(t, db, "A.1")
	logEntry(t, db, f.ID, "eins")
	for _, id := range []int64{f.ID, a.ID} { // cached: one entry, and none
		texts(t, db, ctx, id)
	}
	add := func(e commands.Entry) {
		t.Helper()
		if _, err := db.AddEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	merged := db.ReadCacheStats().Merged
	logEntry(t, db, a.ID, "uno") // an empty list read by Entries: no code to merge with, read again
	if got := db.ReadCacheStats().Merged; got != merged {
		t.Errorf("merged into an empty list without the code: %d → %d", merged, got)
	}
	add(commands.Entry{MeasureID: f.ID, Step: 2, Author: commands.Person{ID: "U2", Name: "Bea"}, Text: "zwei",
		Source: commands.SourceThread, ChannelID: "C2", Submitter: commands.Person{ID: "U3", Name: "Cem"},
		Addition: "dazu", MessageTS: "1700000000.000100"})
	add(commands.Entry{MeasureID: f.ID, Author: commands.Person{ID: "U1"}, Text: "damals", ChannelID: "C1",
		CreatedAt: time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC)})
	logEntry(t, db, f.ID, "drei")
	logEntry(t, db, f.ID, "vier") // "eins" and "damals" fall off the three
	if got := db.ReadCacheStats().Merged; got != merged+4 {
		t.Errorf("%d of F.019's four commits merged", got-merged)
	}

	cold := MustOpenDBAt(t, path) // has read nothing
	before := db.ReadCacheStats()
	for _, id := range []int64{f.ID, a.ID} {
		sameEntries(t, db, cold, id)
	}
	if got := db.ReadCacheStats(); got.Hits != before.Hits+2 || got.Misses != before.Misses {
		t.Errorf("the lists were not ready: %+v → %+v", before, got)
	}
	if got := texts(t, db, ctx, f.ID); got != "vier|drei|zwei" {
		t.Errorf("F.019: %q", got)
	}
}

// sameEntries fails t unless db's newest entries of measure id (as status
// asks for them) are those ref gives.
func sameEntries(t *testing.T, db, ref *storage.DB, id int64) {
	t.Helper()
	ctx := context.Background()
	got, err := db.Entries(ctx, id, commands.EntriesShown)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ref.Entries(ctx, id, commands.EntriesShown)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("measure %d's entries:\n%+v\nwant:\n%+v", id, got, want)
	}
}
