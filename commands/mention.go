package commands

// SlashCommand is klimabot's slash command as the messages teach it.
const SlashCommand = "/klima"

// MentionCommand is how a member of another workspace gives the same
// commands: Slack limits slash commands to the workspace that installed the
// app, so partners in a Slack Connect channel write "@klimabot stav F.019".
const MentionCommand = "@klimabot"

// ForMention returns the reply with every message teaching prefix instead
// of "/klima" ("`@klimabot stav KÓD`"). People's words (Raw texts) stay as
// they are.
func (r Reply) ForMention(prefix string) Reply {
	if prefix == "" {
		return r
	}
	t := func(x Text) Text {
		if x.ID != "" {
			x.Prefix = prefix
		}
		return x
	}
	texts := func(xs []Text) []Text {
		out := make([]Text, len(xs))
		for i, x := range xs {
			out[i] = t(x)
		}
		return out
	}
	parts := make([]Part, len(r.Parts))
	for i, p := range r.Parts {
		switch p := p.(type) {
		case Header:
			parts[i] = Header{Text: t(p.Text)}
		case Paragraph:
			parts[i] = Paragraph{Text: t(p.Text)}
		case Fields:
			fs := make(Fields, len(p))
			for j, f := range p {
				fs[j] = Field{Label: t(f.Label), Value: t(f.Value)}
			}
			parts[i] = fs
		case List:
			l := List{Title: t(p.Title), Items: make([]Item, len(p.Items))}
			for j, it := range p.Items {
				l.Items[j] = Item{Mark: it.Mark, Text: t(it.Text), Sub: t(it.Sub)}
			}
			parts[i] = l
		case Context:
			parts[i] = Context(texts(p))
		case Buttons:
			bs := make(Buttons, len(p))
			for j, b := range p {
				b.Label = t(b.Label)
				bs[j] = b
			}
			parts[i] = bs
		case File:
			p.Title = t(p.Title)
			parts[i] = p
		default:
			parts[i] = p
		}
	}
	r.Parts = parts
	if r.Err != nil {
		e := *r.Err
		e.Msg = t(e.Msg)
		if e.Hint != nil {
			h := t(*e.Hint)
			e.Hint = &h
		}
		r.Err = &e
	}
	return r
}
