-- A reminder is recorded before it is posted (a claim) and confirmed with
-- Slack's ts after. claim groups the rows of one message and travels in the
-- message's metadata, so a claim left unconfirmed by a crash can be checked
-- against the channel's history: posted (confirm) or not (release, post
-- again) — neither lost nor duplicated. ts = '' means unconfirmed.
ALTER TABLE sent_reminders ADD COLUMN claim TEXT NOT NULL DEFAULT '';

CREATE INDEX sent_reminders_claim ON sent_reminders (claim);
CREATE INDEX sent_reminders_channel ON sent_reminders (channel_id);
