-- 0003_trust: who logged a message someone else wrote, apart from its
-- author and words; what a bot message with buttons is about and what its
-- buttons did, so that a click acts only on its own message and the
-- message is rebuilt from the store (never from the clicker's copy).

-- A message logged with the "log as progress" shortcut keeps its author
-- (author_id, author_name) and its text as written (text); the person who
-- logged it and their own words are kept apart. Entries stay append-only:
-- the triggers of 0001 still refuse every UPDATE and DELETE.
ALTER TABLE entries ADD COLUMN submitter_id TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN submitter_name TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN addition TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN message_ts TEXT NOT NULL DEFAULT '';

-- A done offer (done buttons posted in a reminder's thread) is written in
-- the language of the reply it answers; '' for messages in the channel's
-- languages.
ALTER TABLE bot_messages ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- The deadlines a bot message's buttons act on, in the order shown, for
-- messages other than reminders (a reminder's are its sent_reminders rows).
CREATE TABLE message_items (
	channel_id TEXT NOT NULL,
	ts         TEXT NOT NULL,
	position   INTEGER NOT NULL,
	item_key   TEXT NOT NULL,   -- commands.Deadline.Key()
	due        TEXT NOT NULL CHECK (due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	PRIMARY KEY (channel_id, ts, position),
	FOREIGN KEY (channel_id, ts) REFERENCES bot_messages (channel_id, ts) ON DELETE CASCADE
) STRICT;

-- What a click did to a row of a message besides closing a deadline (the
-- deadline records that itself): postponed it, or said "no change".
CREATE TABLE message_actions (
	id         INTEGER PRIMARY KEY,
	channel_id TEXT NOT NULL,
	ts         TEXT NOT NULL,
	item_key   TEXT NOT NULL,
	action     TEXT NOT NULL CHECK (action IN ('postpone', 'no_change')),
	by_id      TEXT NOT NULL,
	by_name    TEXT NOT NULL DEFAULT '',
	at         TEXT NOT NULL,
	due        TEXT NOT NULL DEFAULT ''  -- postpone: the new due day
) STRICT;

CREATE INDEX message_actions_message ON message_actions (channel_id, ts);

-- A click finds its reminder's rows by channel and ts.
CREATE INDEX sent_reminders_message ON sent_reminders (channel_id, ts);
