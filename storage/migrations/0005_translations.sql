-- 0005_translations: machine and human translations of people's words.
--
-- translations holds one translation of a text (by the SHA-256 of its
-- normalized form, see commands/translate.Fingerprint) into target by
-- provider ('libretranslate', 'deepl', or 'human' for a translation given
-- at import, which wins). source is the original's language as told or
-- detected. The original text stays where it is (entries, measures): a
-- translation is never the only copy.
CREATE TABLE translations (
	fingerprint TEXT NOT NULL,
	target      TEXT NOT NULL,
	provider    TEXT NOT NULL,
	source      TEXT NOT NULL,
	text        TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	PRIMARY KEY (fingerprint, target, provider)
);

-- translation_jobs is the queue of translations not done yet, so that a
-- restart loses none. notify names what to update when the translation is
-- there (the bot's message, 'CHANNEL TS'), '' for nothing.
CREATE TABLE translation_jobs (
	id          INTEGER PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	text        TEXT NOT NULL,
	source      TEXT NOT NULL,
	target      TEXT NOT NULL,
	notify      TEXT NOT NULL DEFAULT '',
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	UNIQUE (fingerprint, target, notify)
);
CREATE INDEX translation_jobs_next ON translation_jobs (next_at);

-- translation_usage counts the characters sent to a provider a day (UTC),
-- for KLIMABOT_TRANSLATE_BUDGET.
CREATE TABLE translation_usage (
	day      TEXT NOT NULL,
	provider TEXT NOT NULL,
	chars    INTEGER NOT NULL,
	PRIMARY KEY (day, provider)
);

-- translation_posts keeps the blocks of a bot message that waits for a
-- translation, so that the message can be updated (chat.update) when it
-- arrives, also after a restart.
CREATE TABLE translation_posts (
	channel_id TEXT NOT NULL,
	ts         TEXT NOT NULL,
	text       TEXT NOT NULL,
	blocks     TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (channel_id, ts)
);
