package commands_test

import (
	"testing"

	"github.com/klimabot/klimabot/commands"
)

// TestAuthorize: the rule of log and done, for buttons and the shortcut:
// a channel that follows the measure, or an admin of the installing
// workspace; never an external member, whatever their user id; checked
// against the channel as it is now.
func TestAuthorize(t *testing.T) {
	f := newFixture(t)
	if r := f.exec("UADMIN", "CFOLLOW", "folgen F.019"); r.Err != nil {
		t.Fatal(r.Text(f.b))
	}
	req := func(user, channel string, external bool) commands.Request {
		return commands.Request{User: commands.Person{ID: user}, ChannelID: channel, External: external}
	}
	tests := []struct {
		name string
		req  commands.Request
		code string
		want string // error code, "" for allowed
	}{
		{"member in a following channel", req("UANNA", "CFOLLOW", false), "f019", ""},
		{"external member in a following channel", req("UEXT", "CFOLLOW", true), "F.019", ""},
		{"member elsewhere", req("UANNA", "COTHER", false), "F.019", commands.EFORBIDDEN},
		{"admin elsewhere", req("UADMIN", "COTHER", false), "F.019", ""},
		{"admin's id from another workspace", req("UADMIN", "COTHER", true), "F.019", commands.EFORBIDDEN},
		{"unknown code", req("UANNA", "CFOLLOW", false), "F.91", commands.ENOTFOUND},
	}
	for _, tt := range tests {
		m, err := f.svc.Authorize(f.ctx, tt.req, tt.code)
		if got := commands.ErrorCode(err); got != tt.want {
			t.Errorf("%s: error %q (%v), want %q", tt.name, got, err, tt.want)
		}
		if tt.want == "" && (m == nil || m.Code != "F.019") {
			t.Errorf("%s: measure %+v", tt.name, m)
		}
	}
	// the same request after unfollow: refused, like a typed log
	if r := f.exec("UADMIN", "CFOLLOW", "entfolgen F.019"); r.Err != nil {
		t.Fatal(r.Text(f.b))
	}
	if _, err := f.svc.Authorize(f.ctx, req("UANNA", "CFOLLOW", false), "F.019"); commands.ErrorCode(err) != commands.EFORBIDDEN {
		t.Errorf("after unfollow: %v", err)
	}
	if r := f.exec("UANNA", "CFOLLOW", "eintragen F.019 x"); r.Err == nil || r.Err.Code != commands.EFORBIDDEN {
		t.Errorf("typed log after unfollow: %+v", r.Err)
	}
}
