package bot

import (
	"encoding/json"
	"os"
	"testing"
)

func TestZZPreview(t *testing.T) {
	h, _, _, _ := translating(t, "libretranslate")
	h.command("UCS", chanF019, "zapsat F.019 "+czechReply, "")
	h.settle()
	waitFor(t, "chat.update", func() bool { return len(h.slack.callsOf("chat.update")) > 0 })
	up := h.slack.callsOf("chat.update")[0]
	js, _ := json.Marshal(map[string]any{"channel": up.Form.Get("channel"), "blocks": up.Form.Get("blocks"), "text": up.Form.Get("text")})
	os.WriteFile("/tmp/tr-announce.json", js, 0o644)
	h.recordAnnouncement()
	h.event("EvZ", reply("UCS", "Další setkání s partnery bude v březnu na radnici.", "1699990100.000900"), nil)
	h.settle()
	waitFor(t, "2 updates", func() bool { return len(h.slack.callsOf("chat.update")) > 1 })
	up = h.slack.callsOf("chat.update")[1]
	js, _ = json.Marshal(map[string]any{"channel": up.Form.Get("channel"), "blocks": up.Form.Get("blocks"), "text": up.Form.Get("text")})
	os.WriteFile("/tmp/tr-ack.json", js, 0o644)
	_, body := h.command("U1", chanF019, "status F.019", "")
	os.WriteFile("/tmp/tr-status-de.json", []byte(body), 0o644)
	h.command("UCS", chanF019, "stav F.019", "")
	waitFor(t, "steps", func() bool { return h.bot.cfg.Translate.RunOnce(t.Context()) == 0 })
	_, body = h.command("UCS", chanF019, "stav F.019", "")
	os.WriteFile("/tmp/tr-status-cs.json", []byte(body), 0o644)
}
