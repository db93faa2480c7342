package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestTranslateConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := loadTranslateConfig(env())
	if err != nil || c.Provider != "" || c.translator() != nil {
		t.Errorf("no settings: %+v %v", c, err)
	}
	c, err = loadTranslateConfig(env("KLIMABOT_TRANSLATE", "deepl", "KLIMABOT_TRANSLATE_KEY", "abc:fx"))
	if err != nil || c.URL != "https://api-free.deepl.com" || c.Budget != 100000 {
		t.Errorf("deepl free: %+v %v", c, err)
	}
	c, err = loadTranslateConfig(env("KLIMABOT_TRANSLATE", "DeepL", "KLIMABOT_TRANSLATE_KEY", "abc", "KLIMABOT_TRANSLATE_BUDGET", "20_000"))
	if err != nil || c.URL != "https://api.deepl.com" || c.Budget != 20000 || c.translator().Name() != "deepl" {
		t.Errorf("deepl pro: %+v %v", c, err)
	}
	c, err = loadTranslateConfig(env("KLIMABOT_TRANSLATE", "libretranslate", "KLIMABOT_TRANSLATE_URL", "http://127.0.0.1:5000/"))
	if err != nil || c.URL != "http://127.0.0.1:5000" || c.translator().Name() != "libretranslate" {
		t.Errorf("libretranslate: %+v %v", c, err)
	}
	for _, bad := range [][]string{
		{"KLIMABOT_TRANSLATE", "google"},
		{"KLIMABOT_TRANSLATE", "libretranslate"},
		{"KLIMABOT_TRANSLATE", "deepl"},
		{"KLIMABOT_TRANSLATE", "libretranslate", "KLIMABOT_TRANSLATE_URL", "localhost:5000"},
		{"KLIMABOT_TRANSLATE_BUDGET", "viel"},
	} {
		if _, err := loadTranslateConfig(env(bad...)); err == nil || !strings.Contains(err.Error(), "KLIMABOT_TRANSLATE") {
			t.Errorf("%v: err %v", bad, err)
		}
	}
}

// TestImportHumanTranslations (issue 12): a CSV's title_cs and
// "Schritte (cs)" are stored as people's translations and shown to a Czech
// reader instead of a machine translation, the original beneath.
func TestImportHumanTranslations(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "massnahmen.csv")
	data := "Nr.;Titel;Schritte;title_cs;Schritte (cs);status\n" +
		"F.1;Klimapartnerschaft aufbauen;1. Kontakt aufnehmen | 2. Ratsbeschluss;Budování klimatického partnerství;1. Navázat kontakt | 2. Usnesení rady;läuft\n"
	if err := os.WriteFile(csv, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var sent []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		sent = append(sent, string(body))
		mu.Unlock()
		w.WriteHeader(500)
	}))
	defer srv.Close()
	env := map[string]string{"KLIMABOT_DB": filepath.Join(dir, "k.db"),
		"KLIMABOT_TRANSLATE": "libretranslate", "KLIMABOT_TRANSLATE_URL": srv.URL}
	if r := runCmd(t, env, "", "import", csv); r.err != nil {
		t.Fatalf("import: %v\n%s", r.err, r.stderr)
	}
	r := runCmd(t, env, "stav F.1\n", "console", "--lang", "cs")
	if r.err != nil {
		t.Fatalf("console: %v\n%s", r.err, r.stderr)
	}
	for _, want := range []string{"F.1 Budování klimatického partnerství", "Originál: Klimapartnerschaft aufbauen",
		"1. Navázat kontakt", "Originál: 1. Kontakt aufnehmen", "2. Usnesení rady"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("Czech status lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "strojový") {
		t.Errorf("people's translation labelled as machine translation:\n%s", r.stdout)
	}
	// Without KLIMABOT_TRANSLATE people's translations still show: the
	// town gave them on purpose and nothing is sent anywhere for them.
	delete(env, "KLIMABOT_TRANSLATE")
	delete(env, "KLIMABOT_TRANSLATE_URL")
	r = runCmd(t, env, "stav F.1\n", "console", "--lang", "cs")
	if !strings.Contains(r.stdout, "F.1 Budování klimatického partnerství") || !strings.Contains(r.stdout, "Originál: Klimapartnerschaft aufbauen") ||
		strings.Contains(r.stdout, "strojový") {
		t.Errorf("without a provider:\n%s", r.stdout)
	}
	// and a German reader sees the German original alone
	r = runCmd(t, env, "status F.1\n", "console", "--lang", "de")
	if !strings.Contains(r.stdout, "F.1 Klimapartnerschaft aufbauen") || strings.Contains(r.stdout, "Original") {
		t.Errorf("German reader without a provider:\n%s", r.stdout)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, b := range sent {
		if strings.Contains(b, "Klimapartnerschaft aufbauen") || strings.Contains(b, "Kontakt aufnehmen") {
			t.Errorf("a text people translated was sent to the provider: %s", b)
		}
	}
}

// TestDemoShowsSampleTranslations: the demo has no provider; its sample
// data holds translations, marked as samples, and status shows them.
func TestDemoShowsSampleTranslations(t *testing.T) {
	r := runCmd(t, nil, "status F.019\n", "demo")
	if r.err != nil {
		t.Fatalf("demo: %v\n%s", r.err, r.stderr)
	}
	for _, want := range []string{"(Beispielübersetzung)", "maschinell übersetzt · Original: Delegace projekt interně projednala"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo status lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCmd(t, nil, "stav F.019\n", "demo", "--lang", "cs")
	if !strings.Contains(r.stdout, "6. Příprava prvního malého společného projektu (ukázkový překlad)") {
		t.Errorf("Czech demo status:\n%s", r.stdout)
	}
}

// TestJSONExportKeepsPeoplesTranslations: a JSON export carries the
// translations people gave at import, and restoring it into a new database
// brings them back (a backup in JSON form loses nothing people wrote).
func TestJSONExportKeepsPeoplesTranslations(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "massnahmen.csv")
	data := "Nr.;Titel;Schritte;title_cs;Schritte (cs);status\n" +
		"F.1;Klimapartnerschaft aufbauen;1. Kontakt aufnehmen | 2. Ratsbeschluss;Budování klimatického partnerství;| 2. Usnesení rady;läuft\n"
	if err := os.WriteFile(csv, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"KLIMABOT_DB": filepath.Join(dir, "k.db")}
	if r := runCmd(t, env, "", "import", csv); r.err != nil {
		t.Fatalf("import: %v\n%s", r.err, r.stderr)
	}
	export := filepath.Join(dir, "export.json")
	if r := runCmd(t, env, "", "export", "--format", "json", "--out", export); r.err != nil {
		t.Fatalf("export: %v\n%s", r.err, r.stderr)
	}
	raw, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "Budování klimatického partnerství") || !strings.Contains(string(raw), "Usnesení rady") {
		t.Fatalf("the export lacks the people's translations:\n%s", raw)
	}
	env["KLIMABOT_DB"] = filepath.Join(dir, "restored.db")
	if r := runCmd(t, env, "", "import", export); r.err != nil {
		t.Fatalf("restore: %v\n%s", r.err, r.stderr)
	}
	r := runCmd(t, env, "stav F.1\n", "console", "--lang", "cs")
	for _, want := range []string{"F.1 Budování klimatického partnerství", "2. Usnesení rady", "1. Kontakt aufnehmen"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("restored Czech status lacks %q:\n%s", want, r.stdout)
		}
	}
}
