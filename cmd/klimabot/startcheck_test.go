package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefusesBadDatabaseFile: every command that works on an existing
// database refuses a missing path, an empty file, a read-only file and a
// damaged one with one line naming the file and what to do, and changes
// nothing (issue 11 item 9; issue 15 item 10 for export).
func TestRefusesBadDatabaseFile(t *testing.T) {
	files := map[string]func(t *testing.T) (path, want string){
		"missing": func(t *testing.T) (string, string) {
			return filepath.Join(t.TempDir(), "klimabot.db"), "does not exist: check KLIMABOT_DB or --db; `klimabot import FILE` or `klimabot demo` create a database"
		},
		"empty": func(t *testing.T) (string, string) {
			p := filepath.Join(t.TempDir(), "klimabot.db")
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return p, "is empty (0 bytes): nothing was changed; copy a backup"
		},
		"read-only": func(t *testing.T) (string, string) {
			p := newProcDB(t)
			if err := os.Chmod(p, 0o444); err != nil {
				t.Fatal(err)
			}
			return p, "is read-only (-r--r--r--): klimabot writes to it"
		},
		"damaged": func(t *testing.T) (string, string) {
			p := newProcDB(t)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			// pages overwritten in the middle, as a failing disk or a stray
			// dd would leave them
			const page = 4096
			mid := len(data) / 2 / page * page
			for i := mid; i < mid+3*page && i < len(data); i++ {
				data[i] = byte(i*7 + 13)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			return p, "is damaged ("
		},
		"not sqlite": func(t *testing.T) (string, string) {
			p := filepath.Join(t.TempDir(), "klimabot.db")
			if err := os.WriteFile(p, []byte("code;title\nF.019;Klimapartnerschaft\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			return p, "is not a SQLite database"
		},
	}
	commands := map[string][]string{
		"serve":   {"serve"},
		"remind":  {"remind", "--dry-run"},
		"export":  {"export", "--format", "json"},
		"console": {"console"},
		"backup":  {"backup"}, // the target is added below
	}
	for fname, mk := range files {
		for cname, args := range commands {
			t.Run(fname+"/"+cname, func(t *testing.T) {
				path, want := mk(t)
				before, _ := os.ReadFile(path)
				if cname == "backup" {
					args = append(args, filepath.Join(t.TempDir(), "copy.db"))
				}
				env := map[string]string{"KLIMABOT_DB": path, "SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s",
					"SLACK_API_URL": "http://127.0.0.1:1/", "KLIMABOT_ADDR": "127.0.0.1:0"}
				r := runCmd(t, env, "status F.019\n", args...)
				if r.err == nil {
					t.Fatalf("%s on a %s file ran: %s", cname, fname, r.stdout)
				}
				msg := r.err.Error()
				if strings.Contains(msg, "\n") || !strings.Contains(msg, "database file "+path+" ") || !strings.Contains(msg, want) {
					t.Errorf("error is not one line naming the file and what to do:\n%s\nwant %q", msg, want)
				}
				if exitCode(r.err) == 0 {
					t.Error("exit code 0")
				}
				after, err := os.ReadFile(path)
				if fname == "missing" {
					if err == nil {
						t.Error("the missing file was created")
					}
				} else if !bytes.Equal(before, after) {
					t.Error("the file was changed")
				}
				for _, side := range []string{"-wal", "-shm"} {
					if _, err := os.Stat(path + side); err == nil && fname != "damaged" {
						t.Errorf("%s%s was created", path, side)
					}
				}
			})
		}
	}
}

// TestImportAndDemoCreate: the two commands that create databases still do.
func TestImportAndDemoCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "new.db")
	if r := runCmd(t, map[string]string{"KLIMABOT_DB": db}, "", "import", seedPath(t, "000_")); r.err != nil {
		t.Fatal(r.err)
	}
	demo := filepath.Join(t.TempDir(), "demo.db")
	if r := runCmd(t, nil, "", "demo", "--db", demo); r.err != nil {
		t.Fatal(r.err)
	}
	for _, p := range []string{db, demo} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
}
