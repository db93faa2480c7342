-- 0006_calendar: private calendar subscription links (`/klima calendar`) and
-- the installation's UID domain.
--
-- A link belongs to one person and one scope: the measures a channel follows
-- (channel_id set, measure_id 0), one measure (measure_id set, channel_id ''),
-- or all measures (both empty). Asking again for the same scope gives the same
-- link, so a calendar already subscribed in Outlook keeps working; revoking
-- deletes the row, and its URL answers 404 from then on.
--
-- token_hash (SHA-256 of the token) is what a feed request is looked up by:
-- the index compares hashes of what a stranger sends, never a prefix of a
-- real token, so the time a lookup takes tells nothing about any token.
-- token itself is kept so that `calendar` can show a person their link again
-- (a link shown only once would be re-issued, and break the subscription,
-- whenever someone lost it); whoever holds the database file holds the data
-- the feeds show anyway.
CREATE TABLE calendar_links (
	token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
	token      TEXT NOT NULL UNIQUE,
	user_id    TEXT NOT NULL CHECK (user_id <> ''),
	channel_id TEXT NOT NULL DEFAULT '',
	scope      TEXT NOT NULL CHECK (scope IN ('channel', 'measure', 'all')),
	-- no foreign key: measures are never deleted, and a link to a measure
	-- that vanished would only show an empty calendar
	measure_id INTEGER NOT NULL DEFAULT 0,
	lang       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	CHECK ((scope = 'channel') = (channel_id <> '')),
	CHECK ((scope = 'measure') = (measure_id <> 0))
) STRICT;

-- One link per person and scope.
CREATE UNIQUE INDEX calendar_links_scope ON calendar_links (user_id, scope, channel_id, measure_id);

-- The right-hand side of every event's UID ("d12@<domain>"): random per
-- database, so that two towns' calendars imported into one Outlook never
-- overwrite each other's events, and independent of KLIMABOT_PUBLIC_URL, so
-- that moving the server does not duplicate every event.
CREATE TABLE calendar_instance (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	uid_domain TEXT NOT NULL CHECK (uid_domain <> '')
) STRICT;

INSERT INTO calendar_instance (id, uid_domain) VALUES (1, lower(hex(randomblob(8))) || '.klimabot');
