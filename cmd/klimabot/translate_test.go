package main

import (
	"strings"
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
