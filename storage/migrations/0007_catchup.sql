-- 0007_catchup: the catch-up message of a measure in a channel.
--
-- The first reminder of a measure whose steps lie long in the past (an
-- imported plan) is one catch-up message with checkboxes, not a row of
-- overdue warnings (SPEC "Reminders"). It is a reminder claim like any other
-- (its rows in sent_reminders, so stages, crash recovery and thread replies
-- work as for reminders); this table marks the claim as the catch-up. A
-- catch-up "was posted" in a channel while its claim still has rows: a claim
-- released because Slack refused the post leaves no rows, and the next pass
-- tries the catch-up again.
CREATE TABLE catchups (
	claim      TEXT PRIMARY KEY CHECK (claim <> ''),
	channel_id TEXT NOT NULL,
	measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE
) STRICT;

CREATE INDEX catchups_channel_measure ON catchups (channel_id, measure_id);
