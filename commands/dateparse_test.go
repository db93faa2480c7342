package commands

import "testing"

func TestParseDate(t *testing.T) {
	want := Date{2027, 3, 31}
	for _, s := range []string{
		"2027-03-31", "31.03.2027", "31.3.2027", "31. 3. 2027", "31/03/2027", "31/3/2027",
		"31. März 2027", "31. Maerz 2027", "31. marz 2027", "31. března 2027", "31. brezna 2027",
		"31. březen 2027", "31 de marzo de 2027", "31 marzo 2027", "31 March 2027", "  31.03.2027 ",
		// issue 15 item 7: two-digit years and hyphens
		"31.03.27", "31/3/27", "31-03-2027", "31-3-27", "31. 3. 27",
	} {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := ParseDate("29. 2. 2028"); err != nil || got != (Date{2028, 2, 29}) {
		t.Errorf("leap day: %v %v", got, err)
	}
}

func TestParseDateRefuses(t *testing.T) {
	for _, s := range []string{
		"32.13.2027", "31.04.2027", "29.02.2027", "2027-02-30", "0.1.2027", "31.03.2",
		"morgen", "", "31. Brumaire 2027", "31-03/2027", "31.03.027", "2027/03/31", "1e3.1.2027",
	} {
		_, err := ParseDate(s)
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseDate(%q) error = %v; want EINVALID", s, err)
			continue
		}
		if e := err.(*Error); e.Hint == nil || e.Hint.ID != "hint.date_forms" {
			t.Errorf("ParseDate(%q): the answer must show the accepted forms", s)
		}
	}
}

func TestParseDatePrefix(t *testing.T) {
	tests := []struct {
		args []string
		want Date
		n    int
	}{
		{[]string{"31.03.2027", "Projektskizze", "senden"}, Date{2027, 3, 31}, 1},
		{[]string{"31.", "3.", "2027", "Skizze"}, Date{2027, 3, 31}, 3},
		{[]string{"31", "de", "marzo", "de", "2027", "Enviar", "perfil"}, Date{2027, 3, 31}, 5},
		{[]string{"31.", "března", "2027", "2", "výtisky"}, Date{2027, 3, 31}, 3},
		{[]string{"2027-03-31"}, Date{2027, 3, 31}, 1},
	}
	for _, tt := range tests {
		got, n, err := ParseDatePrefix(tt.args)
		if err != nil || got != tt.want || n != tt.n {
			t.Errorf("ParseDatePrefix(%q) = %v, %d, %v; want %v, %d", tt.args, got, n, err, tt.want, tt.n)
		}
	}
	if _, _, err := ParseDatePrefix([]string{"32.13.2027", "Text"}); ErrorCode(err) != EINVALID {
		t.Errorf("impossible date accepted: %v", err)
	}
	if _, _, err := ParseDatePrefix(nil); ErrorCode(err) != EINVALID {
		t.Errorf("no date accepted: %v", err)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2027-03-31", "31. 3. 2027", "31 de marzo de 2027", "31. března 2027", "32.13.2027", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err == nil && !ValidDate(d.Year, d.Month, d.Day) {
			t.Fatalf("ParseDate(%q) = %v, not a real day", s, d)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Fatalf("ParseDate(%q) error code %q", s, ErrorCode(err))
		}
	})
}
