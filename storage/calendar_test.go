package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"path/filepath"
	"testing"

	"github.com/klimabot/klimabot/commands"
	"github.com/klimabot/klimabot/storage"
)

func hashOf(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// TestCalendarLinkOnePerScope: asking twice for the same person and scope
// keeps the first token (a subscribed calendar keeps working) and takes
// the new language; another scope or person gets a link of its own.
func TestCalendarLinkOnePerScope(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	ch := commands.CalendarLink{UserID: "U1", Scope: commands.CalendarChannel, ChannelID: "C1", Lang: "de"}

	first := ch
	first.Token = "aaaa"
	got, err := db.SaveCalendarLink(ctx, first, hashOf("aaaa"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Token != "aaaa" || got.Lang != "de" || got.CreatedAt.IsZero() {
		t.Fatalf("first link = %+v", got)
	}
	again := ch
	again.Token, again.Lang = "bbbb", "cs"
	got, err = db.SaveCalendarLink(ctx, again, hashOf("bbbb"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Token != "aaaa" || got.Lang != "cs" {
		t.Errorf("second ask = %+v, want token aaaa in cs", got)
	}
	if _, ok, _ := db.CalendarLinkByHash(ctx, hashOf("bbbb")); ok {
		t.Error("the second, unused token was stored")
	}
	l, ok, err := db.CalendarLinkByHash(ctx, hashOf("aaaa"))
	if err != nil || !ok || l.ChannelID != "C1" || l.Scope != commands.CalendarChannel || l.Lang != "cs" {
		t.Errorf("lookup = %+v %v %v", l, ok, err)
	}

	for _, other := range []commands.CalendarLink{
		{UserID: "U2", Scope: commands.CalendarChannel, ChannelID: "C1", Lang: "de", Token: "cccc"},
		{UserID: "U1", Scope: commands.CalendarChannel, ChannelID: "C2", Lang: "de", Token: "dddd"},
		{UserID: "U1", Scope: commands.CalendarMeasure, MeasureID: 7, Lang: "de", Token: "eeee"},
		{UserID: "U1", Scope: commands.CalendarAll, Lang: "de", Token: "ffff"},
	} {
		got, err := db.SaveCalendarLink(ctx, other, hashOf(other.Token))
		if err != nil {
			t.Fatal(err)
		}
		if got.Token != other.Token {
			t.Errorf("%+v got the token %s of another scope", other, got.Token)
		}
	}
}

// TestCalendarLinkRefusesMixedScopes: the schema keeps a channel link's
// channel and a measure link's measure, and nothing else.
func TestCalendarLinkRefusesMixedScopes(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for _, bad := range []commands.CalendarLink{
		{UserID: "U1", Scope: commands.CalendarChannel, Lang: "de", Token: "a1"},
		{UserID: "U1", Scope: commands.CalendarAll, ChannelID: "C1", Lang: "de", Token: "a2"},
		{UserID: "U1", Scope: commands.CalendarMeasure, Lang: "de", Token: "a3"},
		{UserID: "U1", Scope: "everything", Lang: "de", Token: "a4"},
		{Scope: commands.CalendarAll, Lang: "de", Token: "a5"},
	} {
		if _, err := db.SaveCalendarLink(ctx, bad, hashOf(bad.Token)); err == nil {
			t.Errorf("stored %+v", bad)
		}
	}
	if _, err := db.SaveCalendarLink(ctx, commands.CalendarLink{UserID: "U1", Scope: commands.CalendarAll, Token: "x"}, []byte("short")); err == nil {
		t.Error("stored a link under a hash that is not SHA-256")
	}
}

// TestRevokeCalendarLinks: a person revokes their own links only; revoking
// all empties the table; a revoked token is not found any more.
func TestRevokeCalendarLinks(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	save := func(user, channel, token string) {
		t.Helper()
		if _, err := db.SaveCalendarLink(ctx, commands.CalendarLink{UserID: user, Scope: commands.CalendarChannel,
			ChannelID: channel, Lang: "de", Token: token}, hashOf(token)); err != nil {
			t.Fatal(err)
		}
	}
	save("U1", "C1", "t1")
	save("U1", "C2", "t2")
	save("U2", "C1", "t3")

	n, err := db.RevokeCalendarLinks(ctx, "U1")
	if err != nil || n != 2 {
		t.Fatalf("revoke U1 = %d, %v; want 2", n, err)
	}
	if _, ok, _ := db.CalendarLinkByHash(ctx, hashOf("t1")); ok {
		t.Error("U1's link still found after revoking")
	}
	if _, ok, _ := db.CalendarLinkByHash(ctx, hashOf("t3")); !ok {
		t.Error("U1's revoke took U2's link")
	}
	if n, err := db.RevokeCalendarLinks(ctx, ""); err == nil || n != 0 {
		t.Errorf("revoke for no user = %d, %v: must refuse, not revoke everyone's", n, err)
	}
	if _, ok, _ := db.CalendarLinkByHash(ctx, hashOf("t3")); !ok {
		t.Error("a revoke for no user took U2's link")
	}
	if n, err := db.RevokeAllCalendarLinks(ctx); err != nil || n != 1 {
		t.Errorf("revoke all = %d, %v; want 1", n, err)
	}
}

// TestCalendarDomainStable: the UID domain is random per database and the
// same at every opening.
func TestCalendarDomainStable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "k.db")
	read := func(path string) string {
		db, err := storage.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		d, err := db.CalendarDomain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a := read(path)
	if b := read(path); a != b {
		t.Errorf("domain changed on reopening: %q, %q", a, b)
	}
	if c := read(filepath.Join(t.TempDir(), "other.db")); c == a {
		t.Errorf("two databases share the UID domain %q", a)
	}
	if len(a) < 20 || !bytes.HasSuffix([]byte(a), []byte(".klimabot")) {
		t.Errorf("domain %q", a)
	}
}
