package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

func TestChannel(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustImport(t, db, f019(), commands.Measure{Code: "A.1"})
	c, err := db.Channel(ctx, "C1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, commands.DefaultChannel("C1", "")) {
		t.Errorf("unsaved channel = %+v", c)
	}
	saved := commands.Channel{ID: "C1", Languages: []string{"de", "cs"}, TimeZone: "Europe/Prague",
		Schedule: "0 8 * * 1", StaleDays: 30, Follows: []string{"f19", "A.1", "F.019"},
		LastTick: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	if err := db.SaveChannel(ctx, saved); err != nil {
		t.Fatal(err)
	}
	c, err = db.Channel(ctx, "C1")
	if err != nil {
		t.Fatal(err)
	}
	saved.Follows = []string{"A.1", "F.019"}
	if !reflect.DeepEqual(c, saved) {
		t.Errorf("channel = %+v, want %+v", c, saved)
	}

	// An unknown code writes nothing.
	bad := saved
	bad.FollowAll, bad.Follows = true, []string{"A.1", "Z.9"}
	wantCode(t, db.SaveChannel(ctx, bad), commands.ENOTFOUND)
	if c, _ := db.Channel(ctx, "C1"); !reflect.DeepEqual(c, saved) {
		t.Errorf("failed save changed the channel: %+v", c)
	}

	saved.Follows, saved.FollowAll, saved.Languages = nil, true, nil
	if err := db.SaveChannel(ctx, saved); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.Channel(ctx, "C1"); !reflect.DeepEqual(c, saved) {
		t.Errorf("channel = %+v, want %+v", c, saved)
	}
}

func TestUser(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	u, err := db.User(ctx, "U1")
	if err != nil || !reflect.DeepEqual(u, commands.User{ID: "U1"}) {
		t.Fatalf("unknown user = %+v, %v", u, err)
	}
	want := commands.User{ID: "U1", Name: "Jana", Language: "cs", Locale: "en-US", LocaleAt: time.Date(2026, 3, 1, 8, 0, 0, 123, time.UTC)}
	for range 2 {
		if err := db.SaveUser(ctx, want); err != nil {
			t.Fatal(err)
		}
		if u, _ := db.User(ctx, "U1"); !reflect.DeepEqual(u, want) {
			t.Errorf("user = %+v, want %+v", u, want)
		}
		want.Language = ""
	}
}
