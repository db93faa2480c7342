-- 0008_message_measures: the measures of an announcement about several.
--
-- Announcements into one channel are posted one at a time (Slack takes
-- about one message per second and channel); those that arrive meanwhile
-- go out together as one message (bot/announce.go). A message about one
-- measure is an ordinary bot_messages row, as before. A message about
-- several measures has its bot_messages row (measure_id: the first of them,
-- kind 'announce') and one row here for each of its measures, in the order
-- shown: a reply in its thread belongs to none of them, and the replier is
-- told how to log instead. Older rows have no rows here and stay valid.
CREATE TABLE message_measures (
	channel_id TEXT NOT NULL,
	ts         TEXT NOT NULL,
	position   INTEGER NOT NULL,
	measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	PRIMARY KEY (channel_id, ts, position),
	-- a moved channel (MoveChannel updates bot_messages) takes them along
	FOREIGN KEY (channel_id, ts) REFERENCES bot_messages (channel_id, ts) ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;
