package main

import (
	"strings"
	"testing"
)

// TestDemoPartner: the demo's channel is de,cs; a Czech reply in a thread
// ("> TEXT") is acknowledged in Czech, and with --external the console is
// a partner of another workspace: help teaches "@klimabot …" and admin
// commands are refused.
func TestDemoPartner(t *testing.T) {
	r := runCmd(t, nil, "> Workshop s partnery proběhl minulý týden, zápis pošleme zítra.\n", "demo")
	if r.err != nil {
		t.Fatalf("demo: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "Czech reply in the demo", r.stdout, "klimabot demo --external", "Zapsáno jako průběh plnění k F.019.")

	r = runCmd(t, nil, "nápověda\n> Delegace přijede v květnu, program připravujeme.\nstatus F.019\nsledovat all\n", "demo", "--external")
	if r.err != nil {
		t.Fatalf("demo --external: %v\n%s", r.err, r.stderr)
	}
	mustContain(t, "partner's view", r.stdout, "Jana Nováková", "`@klimabot stav KÓD`", "Zapsáno jako průběh plnění k F.019.",
		"splněno 4 z 6 kroků", "jen správci")
	if strings.Contains(r.stdout, "`/klima") {
		t.Errorf("the partner is taught /klima:\n%s", r.stdout)
	}
}
