-- 0001_init: klimabot's whole schema.
--
-- Conventions:
--   * Instants are TEXT in UTC, fixed width so they sort as text:
--     'YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ' (RFC 3339, always nine fraction digits).
--     NULL means "never" (a step not done, a locale never fetched).
--   * Calendar days (due dates, planned dates) are TEXT 'YYYY-MM-DD'.
--   * Tables are STRICT: SQLite enforces the declared column types.
--   * Measures are never deleted by the bot. Entries and deadlines refer to them
--     with ON DELETE RESTRICT, so the audit trail can never be cascaded away.

CREATE TABLE measures (
	id            INTEGER PRIMARY KEY,
	code          TEXT NOT NULL,                 -- as written in the source, e.g. 'F.019'
	code_key      TEXT NOT NULL UNIQUE,          -- commands.CodeKey(code), e.g. 'F.19'
	title         TEXT NOT NULL DEFAULT '',
	responsible   TEXT NOT NULL DEFAULT '',
	target_group  TEXT NOT NULL DEFAULT '',
	objective     TEXT NOT NULL DEFAULT '',
	description   TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT '',
	costs_planned TEXT NOT NULL DEFAULT '',
	costs_actual  TEXT NOT NULL DEFAULT '',
	running_costs TEXT NOT NULL DEFAULT '',
	funding       TEXT NOT NULL DEFAULT '',
	staff         TEXT NOT NULL DEFAULT '',
	partnership   TEXT NOT NULL DEFAULT '',
	-- search holds code, title and responsible lower-cased by Go (Unicode-aware,
	-- unlike SQLite's ASCII-only lower()), separated by U+001F; written on import.
	search        TEXT NOT NULL DEFAULT '',
	source        TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	CHECK (code <> '' AND code_key <> '')
) STRICT;

CREATE INDEX measures_code ON measures (code);

CREATE TABLE measure_sections (
	measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	title      TEXT NOT NULL DEFAULT '',
	body       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (measure_id, position)
) STRICT;

CREATE TABLE steps (
	measure_id   INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	number       INTEGER NOT NULL CHECK (number > 0),
	text         TEXT NOT NULL DEFAULT '',
	planned_year INTEGER CHECK (planned_year IS NULL OR planned_year BETWEEN 1 AND 9999),
	planned_date TEXT CHECK (planned_date IS NULL OR planned_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	done_at      TEXT,
	done_by_id   TEXT NOT NULL DEFAULT '',
	done_by_name TEXT NOT NULL DEFAULT '',
	-- due is the day of the step's implied deadline (commands.Step.Due).
	due          TEXT GENERATED ALWAYS AS (
		coalesce(planned_date, CASE WHEN planned_year IS NOT NULL THEN printf('%04d-12-31', planned_year) END)
	) STORED,
	PRIMARY KEY (measure_id, number)
) STRICT;

-- Open planned steps by day: the implied deadlines of all measures.
CREATE INDEX steps_open_due ON steps (due) WHERE done_at IS NULL AND due IS NOT NULL;

CREATE TABLE deadlines (
	id              INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: reminders key on it
	measure_id      INTEGER NOT NULL REFERENCES measures (id) ON DELETE RESTRICT,
	step            INTEGER,                            -- NULL: not tied to a step
	due             TEXT NOT NULL CHECK (due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	text            TEXT NOT NULL DEFAULT '',
	state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'postponed')),
	original_due    TEXT NOT NULL,
	created_by_id   TEXT NOT NULL DEFAULT '',
	created_by_name TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	done_by_id      TEXT NOT NULL DEFAULT '',
	done_by_name    TEXT NOT NULL DEFAULT '',
	done_at         TEXT,
	-- A step with a deadline cannot be removed by an import.
	FOREIGN KEY (measure_id, step) REFERENCES steps (measure_id, number) ON DELETE RESTRICT
) STRICT;

CREATE INDEX deadlines_state_due ON deadlines (state, due);
CREATE INDEX deadlines_measure_step ON deadlines (measure_id, step);

CREATE TABLE entries (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	measure_id  INTEGER NOT NULL REFERENCES measures (id) ON DELETE RESTRICT,
	step        INTEGER,                -- NULL: not about one step (no foreign key: a
	                                    -- removed step must not take its history along)
	author_id   TEXT NOT NULL DEFAULT '',
	author_name TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL,
	source      TEXT NOT NULL DEFAULT '',
	channel_id  TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX entries_measure_created ON entries (measure_id, created_at DESC, id DESC);

-- Progress entries are the audit trail: append-only, enforced by the database.
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN
	SELECT RAISE(ABORT, 'entries are append-only');
END;

CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN
	SELECT RAISE(ABORT, 'entries are append-only');
END;

CREATE TABLE channels (
	id         TEXT PRIMARY KEY,
	languages  TEXT NOT NULL DEFAULT '',  -- ordered comma list, e.g. 'de,cs'
	time_zone  TEXT NOT NULL,
	schedule   TEXT NOT NULL,
	stale_days INTEGER NOT NULL,
	follow_all INTEGER NOT NULL DEFAULT 0 CHECK (follow_all IN (0, 1)),
	last_tick  TEXT
) STRICT;

CREATE TABLE channel_follows (
	channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	PRIMARY KEY (channel_id, measure_id)
) STRICT;

CREATE INDEX channel_follows_measure ON channel_follows (measure_id);

CREATE TABLE users (
	id        TEXT PRIMARY KEY,
	name      TEXT NOT NULL DEFAULT '',
	language  TEXT NOT NULL DEFAULT '',
	locale    TEXT NOT NULL DEFAULT '',
	locale_at TEXT
) STRICT;

-- What reminder was posted where: the only guarantee against duplicates.
-- due is part of the key so that a postponed deadline starts its stages anew.
-- channel_id has no foreign key: a channel with default settings has no row.
CREATE TABLE sent_reminders (
	deadline_key TEXT NOT NULL,   -- commands.Deadline.Key(): 'd<id>' or 's<measure>.<step>'
	due          TEXT NOT NULL,
	stage        TEXT NOT NULL,
	channel_id   TEXT NOT NULL,
	measure_id   INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	ts           TEXT NOT NULL DEFAULT '',  -- Slack message ts
	sent_at      TEXT NOT NULL,
	PRIMARY KEY (deadline_key, due, stage, channel_id)
) STRICT;

-- Messages the bot posted, so a reply in a thread finds its measure.
CREATE TABLE bot_messages (
	channel_id TEXT NOT NULL,
	ts         TEXT NOT NULL,
	measure_id INTEGER NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,   -- 'reminder', 'announce', 'nudge', ...
	created_at TEXT NOT NULL,
	PRIMARY KEY (channel_id, ts)
) STRICT;

-- Slack event ids already handled, so a retried delivery is not processed twice.
CREATE TABLE processed_events (
	event_id    TEXT PRIMARY KEY,
	received_at TEXT NOT NULL
) STRICT;

CREATE INDEX processed_events_received ON processed_events (received_at);
