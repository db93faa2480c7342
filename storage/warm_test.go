package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// WarmMeasures reads every measure as MeasureSteps would, and after it
// MeasureSteps answers each from the cache; a write afterwards still shows.
func TestWarmMeasures(t *testing.T) {
	path := t.TempDir() + "/k.db"
	db := MustOpenDBAt(t, path)
	ctx := context.Background()
	mustImport(t, db, f019(), commands.Measure{Code: "A.1", Title: "Rad"}, commands.Measure{Code: "F.2", Title: "Wald",
		Steps: []commands.Step{{Number: 1, Text: "Pflanzen"}}})
	f := mustSteps(t, db, "F.019")
	if _, err := db.CompleteSteps(ctx, f.ID, []int{2}, commands.Person{ID: "U1", Name: "Ana"}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"eins", "zwei", "drei", "vier"} {
		if _, err := db.AddEntry(ctx, commands.Entry{MeasureID: f.ID, Author: commands.Person{ID: "U1"}, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	codes := []string{"F.019", "A.1", "F.2", "f19"} // f19: the same code key as F.019
	// what a store that has cached nothing reads
	cold := MustOpenDBAt(t, path)
	want := map[string]*commands.Measure{}
	for _, c := range codes {
		want[c] = mustSteps(t, cold, c)
	}

	warm := MustOpenDBAt(t, path)
	n, err := warm.WarmMeasures(ctx)
	if err != nil || n != 3 {
		t.Fatalf("WarmMeasures = %d, %v; want 3", n, err)
	}
	before := warm.ReadCacheStats()
	for _, c := range codes {
		if got := mustSteps(t, warm, c); !reflect.DeepEqual(got, want[c]) {
			t.Errorf("%s from the warmed cache:\n%+v\nwant\n%+v", c, got, want[c])
		}
	}
	if got := warm.ReadCacheStats(); got.Hits != before.Hits+int64(len(codes)) || got.Misses != before.Misses {
		t.Errorf("not all answered from the cache: %+v → %+v", before, got)
	}

	// the newest entries too, also where there are none
	before = warm.ReadCacheStats()
	for _, c := range codes[:3] {
		sameEntries(t, warm, cold, want[c].ID)
	}
	if got := warm.ReadCacheStats(); got.Hits != before.Hits+3 || got.Misses != before.Misses {
		t.Errorf("entries not all answered from the cache: %+v → %+v", before, got)
	}
	// a log into a warmed empty list is merged, code and all
	a := want["A.1"]
	if _, err := warm.AddEntry(ctx, commands.Entry{MeasureID: a.ID, Author: commands.Person{ID: "U1"}, Text: "uno"}); err != nil {
		t.Fatal(err)
	}
	if got := warm.ReadCacheStats(); got.Merged != before.Merged+1 {
		t.Errorf("the log was not merged: %+v → %+v", before, got)
	}
	got, err := warm.Entries(ctx, a.ID, commands.EntriesShown)
	if err != nil {
		t.Fatal(err)
	}
	if read, err := MustOpenDBAt(t, path).Entries(ctx, a.ID, commands.EntriesShown); err != nil || !reflect.DeepEqual(got, read) || len(got) != 1 || got[0].MeasureCode != "A.1" {
		t.Errorf("A.1's merged entries:\n%+v\nread (%v):\n%+v", got, err, read)
	}

	if _, err := warm.CompleteSteps(ctx, f.ID, []int{3}, commands.Person{ID: "U1"}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if got := mustSteps(t, warm, "F.019"); !got.Steps[2].Done {
		t.Errorf("a step done after the warm-up does not show: %+v", got.Steps[2])
	}
}

// An empty store warms nothing, without error.
func TestWarmMeasures_Empty(t *testing.T) {
	db := MustOpenDB(t)
	if n, err := db.WarmMeasures(context.Background()); n != 0 || err != nil {
		t.Errorf("WarmMeasures = %d, %v", n, err)
	}
}
