package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands/translate"
)

func TestTranslationStore(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	fp := translate.Fingerprint("Ahoj")
	at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.SaveTranslations(ctx, []translate.Stored{{Fingerprint: fp, Source: "cs", Target: "de", Provider: "deepl", Text: "Hallo", At: at}}))
	// a machine translation is never overwritten
	must(db.SaveTranslations(ctx, []translate.Stored{{Fingerprint: fp, Source: "cs", Target: "de", Provider: "deepl", Text: "Servus", At: at}}))
	got, err := db.Translations(ctx, []string{fp, "other"}, "de", "deepl")
	must(err)
	if len(got) != 1 || got[fp].Text != "Hallo" || got[fp].Source != "cs" || !got[fp].At.Equal(at) {
		t.Errorf("translations = %+v", got)
	}
	if got, _ := db.Translations(ctx, []string{fp}, "de", "libretranslate"); len(got) != 0 {
		t.Errorf("another provider's translation served: %+v", got)
	}
	must(db.SaveTranslations(ctx, []translate.Stored{{Fingerprint: fp, Source: "cs", Target: "de", Provider: translate.Human, Text: "Grüß Gott"}}))
	got, _ = db.Translations(ctx, []string{fp}, "de", "deepl")
	if got[fp].Text != "Grüß Gott" || !got[fp].Human() {
		t.Errorf("human does not win: %+v", got[fp])
	}

	must(db.Enqueue(ctx, []translate.Job{{Fingerprint: fp, Text: "Ahoj", Source: "cs", Target: "es", NextAt: at}}))
	must(db.Enqueue(ctx, []translate.Job{{Fingerprint: fp, Text: "Ahoj", Source: "cs", Target: "es", NextAt: at}}))
	must(db.Enqueue(ctx, []translate.Job{{Fingerprint: fp, Text: "Ahoj", Source: "cs", Target: "es", Notify: "C1 1.2", NextAt: at.Add(time.Hour)}}))
	jobs, err := db.DueJobs(ctx, at, 10)
	must(err)
	if len(jobs) != 1 || jobs[0].Text != "Ahoj" || jobs[0].Notify != "" {
		t.Fatalf("due jobs = %+v", jobs)
	}
	must(db.Reschedule(ctx, []int64{jobs[0].ID}, 1, at.Add(2*time.Hour)))
	if jobs, _ := db.DueJobs(ctx, at.Add(time.Hour), 10); len(jobs) != 1 || jobs[0].Notify != "C1 1.2" {
		t.Errorf("due in an hour = %+v", jobs)
	}
	jobs, _ = db.DueJobs(ctx, at.Add(3*time.Hour), 10)
	if len(jobs) != 2 {
		t.Fatalf("due in three hours = %+v", jobs)
	}
	must(db.DeleteJobs(ctx, []int64{jobs[0].ID, jobs[1].ID}))
	if jobs, _ := db.DueJobs(ctx, at.Add(3*time.Hour), 10); len(jobs) != 0 {
		t.Errorf("deleted jobs still due: %+v", jobs)
	}

	if n, err := db.AddUsage(ctx, "2026-05-04", "deepl", 10); err != nil || n != 10 {
		t.Errorf("usage %d %v", n, err)
	}
	if n, _ := db.AddUsage(ctx, "2026-05-04", "deepl", 5); n != 15 {
		t.Errorf("usage %d", n)
	}
	if n, _ := db.Usage(ctx, "2026-05-05", "deepl"); n != 0 {
		t.Errorf("next day's usage %d", n)
	}

	must(db.SaveTranslationPost(ctx, "C1", "1.2", "text", `[{"type":"divider"}]`))
	if text, blocks, ok, err := db.TranslationPost(ctx, "C1", "1.2"); !ok || err != nil || text != "text" || blocks != `[{"type":"divider"}]` {
		t.Errorf("post = %q %q %v %v", text, blocks, ok, err)
	}
}
