package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/klimabot/klimabot/commands"
)

// dated builds a call step planned for a day.
func dated(n int, text string, y int, m time.Month, d int) commands.Step {
	return commands.Step{Number: n, Text: text, PlannedYear: y, PlannedDate: commands.Date{Year: y, Month: m, Day: d}}
}

// seedCallWant is the SKEW call as the seed document gives it.
var seedCallWant = commands.Measure{
	Code:  "aufruf-lateinamerikanische-kommunen",
	Title: "Neue Klimapartnerschaften mit lateinamerikanischen Kommunen gesucht!",
	Description: "Klimapartnerschaften mit lateinamerikanischen Kommunen gesucht. Foto: Verena Schwarte, Bundesstadt " +
		"BonnDas Projekt \"50 kommunale Klimapartnerschaften bis 2015\" startet im Jahr 2014 in die vierte Phase! " +
		"Teilnehmen können Kommunen aus Deutschland und Lateinamerika, die bereits partnerschaftlich verbunden " +
		"sind oder eine neue Klimapartnerschaft begründen wollen. Auch deutsche Kommunen, die noch keine Kontakte " +
		"zu einer lateinamerikanischen Kommune haben, aber daran interessiert sind, sind willkommen.\n" +
		"Das Projekt \"50 Kommunale Klimapartnerschaften bis 2015\" wird von der Servicestelle Kommunen in der " +
		"Einen Welt (SKEW) und der Landesarbeitsgemeinschaft Agenda 21 NRW (LAG 21 NRW) gemeinsam durchgeführt. " +
		"Unterstützt wird das Projekt durch Präsidiumsbeschlüsse des Deutschen Städtetages sowie den Deutschen " +
		"Städte- und Gemeindebund und den Deutschen Landkreistag. In einer kommunalen Klimapartnerschaft arbeiten " +
		"zwei Kommunen regelmäßig und strukturiert auf den Gebieten Klimaschutz und Klimaanpassung zusammen.",
	Objective: "1. Die Themen Klimaschutz und Klimaanpassung werden systematisch und dauerhaft in die kommunale " +
		"Partnerschaftsarbeit integriert.\n" +
		"2. Die kommunalen Partnerschaften erarbeiten konkrete Handlungsprogramme mit Zielen, Maßnahmen und " +
		"zugewiesenen Ressourcen für Klimaschutz und Klimaanpassung.\n" +
		"Eine kommunale Klimapartnerschaft kann sich dabei im Rahmen von Städtepartnerschaften oder " +
		"Themenpartnerschaften vollziehen.",
	Sections: []commands.Section{
		{Title: "Was bisher geschah", Body: "Das Projekt ist im Jahr 2011 angelaufen und nach Phasen mit regionalen " +
			"bzw. Länderschwerpunkten organisiert. Innerhalb der Pilotphase haben neun deutsche Kommunen mit ihren " +
			"Partnerstädten in Ghana, Südafrika und Tansania Klimapartnerschaften begründet und bis 2013 gemeinsame " +
			"Handlungsprogramme zu Klimaschutz und Klimaanpassung entwickelt.\n" +
			"Die zweite Projektphase, an der insgesamt 14 Klimapartnerschaften deutscher mit lateinamerikanischen " +
			"und karibischen Kommunen teilgenommen haben, begann im November 2012 und endete im Juli 2014 mit der " +
			"offiziellen Vorstellung der gemeinsamen Handlungsprogramme.\n" +
			"Im März 2014 ist mit einem internationalen Auftaktworkshop die dritte Phase des Projektes gestartet, " +
			"die 10 Klimapartnerschaften deutscher und afrikanischer Kommunen umfasst. Damit zählt das Projekt nun " +
			"insgesamt 33 Klimapartnerschaften. Zur Erarbeitung der Handlungsprogramme finden jeweils gegenseitige " +
			"Entsendungen von Fachexperten, nationale bzw. regionale Netzwerktreffen sowie internationale Workshops " +
			"statt. In vielen Klimapartnerschaften der ersten beiden Projektphasen werden auch bereits vielfältige " +
			"Aktivitäten zur Umsetzung der Handlungsprogramme durchgeführt."},
		{Title: "Was wir bieten", Body: "Finanzierung des internationalen Erfahrungsaustauschs zwischen den " +
			"Partnerkommunen (Kurzzeitentsendungen von Kommunalexperten)\n" +
			"nationale und internationale Workshops für den Erfahrungsaustausch im Netzwerk der an der Projektphase " +
			"teilnehmenden Kommunen\n" +
			"fachliche Begleitung zur Erarbeitung gemeinsamer Handlungsprogramme\n" +
			"Vorbereitungs- und Qualifizierungsseminare vor dem Erfahrungsaustausch\n" +
			"Unterstützung der Informations- und Öffentlichkeitsarbeit\n" +
			"Informationen und Beratung zu Möglichkeiten der Umsetzung der gemeinsamen Handlungsprogramme\n" +
			"Begleitendes Bildungsangebot für Schulen: Planspiel „Südsichten“"},
		{Title: "Was wir von den teilnehmenden Kommunen erwarten", Body: "Unterzeichnung eines Memorandum of " +
			"Understanding über die Ziele und Kernpunkte der Klimapartnerschaften\n" +
			"Bereitschaft zu einer langfristigen Zusammenarbeit mit der Partnerkommune\n" +
			"Personal für den internationalen fachlichen Austausch und die vorangehende Qualifizierung bereitzustellen\n" +
			"Bereitschaft, konkrete Handlungsprogramme zu Klimaschutz und -anpassung mit der Partnerkommune in " +
			"einem partizipativen Prozess zu erarbeiten\n" +
			"eine erfolgreiche interne Kooperation der unterschiedlichen Fachabteilungen (insbesondere " +
			"Internationales und Umwelt/Klima) zu gewährleisten\n" +
			"sich an dem kommunalen Netzwerk und internationalen Workshops aktiv zu beteiligen"},
		{Title: "Weitere Informationen", Body: "Dokumentation Internationaler Auftaktworkshop der 2. Projektphase, " +
			"November 2012, La Fortuna, Costa Rica (Material Nr. 59)\n" +
			"Dokumentation der zweiten Projektphase, Juni 2014 (Dialog Global Nr. 32)\n" +
			"Dokumentation der Pilotphase, Juni 2013 (Dialog Global Nr. 29)"},
	},
	Steps: []commands.Step{
		dated(1, "Unverbindliche Interessenbekundung seitens der deutschen Kommune. Insbesondere solchen Kommunen, "+
			"die noch keine Partnerschaft mit einer lateinamerikanischen Kommune haben, wird empfohlen, sich "+
			"möglichst frühzeitig mit der SKEW in Verbindung zu setzen.\n"+
			"Ausgefüllte Interessenbekundungen können per E-Mail, Fax oder auf dem Postweg bei uns eingereicht werden.",
			2014, time.September, 5),
		dated(2, "a. Auswertung der Interessenbekundungen durch die SKEW\nb. Rückmeldung an interessierte Kommunen",
			2014, time.September, 19),
		dated(3, "a. Bei Bedarf: Beratung (auch vor Ort) interessierter Kommunen zur Teilnahme am Projekt\n"+
			"b. Abschließende Abstimmung innerhalb der jeweiligen Kommune sowie mit der Partnerkommune\n"+
			"c. Endgültige Entscheidung seitens der kommunalen Partnerschaften über eine Projektteilnahme",
			2014, time.October, 31),
		dated(4, "Start der 4. Phase des Projektes mit einem nationalen Netzwerktreffen der beteiligten deutschen Kommunen",
			2014, time.November, 30),
		dated(5, "Internationaler Auftaktworkshop (unter Beteiligung aller Kommunen aus Deutschland und den "+
			"lateinamerikanischen Ländern)", 2015, time.March, 31),
	},
}

// zentralamerikaWant is testdata/calls/aufruf_zentralamerika.txt: other
// months, a leap February, a numeric date with its text on the same line,
// a heading without lines of its own.
var zentralamerikaWant = commands.Measure{
	Code:        "aufruf-zentralamerika",
	Title:       "Aufruf: Klimapartnerschaften mit Kommunen in Zentralamerika",
	Description: "Das Projekt startet 2016 in eine neue Runde.",
	Objective: "1. Kommunen aus Deutschland und Zentralamerika arbeiten zusammen.\n" +
		"2. Jede Partnerschaft erarbeitet ein Handlungsprogramm.",
	Sections: []commands.Section{
		{Title: "Was wir bieten", Body: "Beratung vor Ort\nWorkshops"},
		{Title: "Was wir erwarten", Body: "Personal für den Austausch"},
	},
	Steps: []commands.Step{
		dated(1, "Interessenbekundung einreichen.", 2016, time.January, 15),
		dated(2, "a. Auswahl der Kommunen\nb. Rückmeldung an die Kommunen\nc. Vorbereitung der 2. Phase",
			2016, time.February, 29),
		dated(3, "Unterzeichnung des Memorandum of Understanding", 2016, time.April, 30),
		dated(4, "Erstes Netzwerktreffen in Bonn", 2016, time.June, 30),
		dated(5, "Dezember 2016", 2016, time.December, 31),
		dated(6, "Internationaler Workshop in San José", 2017, time.February, 28),
	},
}

func TestParseCall(t *testing.T) {
	seed := mustRead(t, seedCall)
	noSlug := []byte(strings.Replace(string(seed), "typ: klimapartnerschaftentitel:aufruf-lateinamerikanische-kommunen", "", 1))
	coded := seedCallWant
	coded.Code = "LA-2014"
	crlf := []byte("\uFEFF" + strings.ReplaceAll(string(seed), "\n", "\r\n"))
	for _, tc := range []struct {
		name string
		data []byte
		opt  Options
		want commands.Measure
	}{
		{"seed", seed, Options{}, seedCallWant},
		{"seed with BOM and CRLF", crlf, Options{}, seedCallWant},
		{"--code wins over the slug", seed, Options{Code: "LA-2014"}, coded},
		{"--code without slug", noSlug, Options{Code: "LA-2014"}, coded},
		{"other months", mustRead(t, testdata+"/calls/aufruf_zentralamerika.txt"), Options{}, zentralamerikaWant},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCall("call.txt", tc.data, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			diffMeasure(t, got, withSource(tc.want, "call.txt"))
		})
	}
}

func TestDateHeading(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // ISO date, "" for no heading, "invalid"
		text string
	}{
		{in: "Bis 5. September 2014:", want: "2014-09-05"},
		{in: "Bis 19. September 2014", want: "2014-09-19"},
		{in: "November 2014", want: "2014-11-30"},
		{in: "März 2015", want: "2015-03-31"},
		{in: "Maerz 2015", want: "2015-03-31"},
		{in: "Februar 2016", want: "2016-02-29"},
		{in: "Februar 2100", want: "2100-02-28"},
		{in: "Februar 2000", want: "2000-02-29"},
		{in: "bis zum 31.12.2016", want: "2016-12-31"},
		{in: "Ende 2017", want: "2017-12-31"},
		{in: "Bis 1. Okt. 2015: Antrag", want: "2015-10-01", text: "Antrag"},
		{in: "Bis 31. Februar 2015", want: "invalid"},
		{in: "13.13.2015", want: "invalid"},
		{in: "Start der 4. Phase des Projektes", want: ""},
		{in: "Workshop 2015", want: ""},
		{in: "2015", want: ""},
		{in: "Am 2015", want: ""},
	} {
		d, text, ok, valid := dateHeading(tc.in)
		got := ""
		switch {
		case ok && !valid:
			got = "invalid"
		case ok:
			got = d.String()
		}
		if got != tc.want || text != tc.text {
			t.Errorf("dateHeading(%q) = %q, %q; want %q, %q", tc.in, got, text, tc.want, tc.text)
		}
	}
}

func TestParseCallErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  string
		opt   Options
		line  int
		id    string
		words []string
	}{
		{"empty", "\n\n", Options{}, 0, "import.empty", []string{"empty"}},
		{"no code", "Aufruf\n\nZielsetzung\n1. Ziel\n", Options{}, 1, "import.need_code", []string{"--code"}},
		{"bad date", "Aufruf\nDie nächsten Schritte\nBis 5. Mai 2015\nA\n\nBis 31. Februar 2015\nB\ntitel:x-1\n",
			Options{}, 6, "import.bad_date", []string{"Bis 31. Februar 2015", "November 2014"}},
		{"slug too long", "Aufruf\nZielsetzung\ntitel:" + strings.Repeat("a", 65) + "\n",
			Options{}, 3, "import.bad_code", []string{"--code"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCall("call.txt", []byte(tc.data), tc.opt)
			wantParseError(t, err, "call.txt", tc.line, tc.id, tc.words...)
		})
	}
}
