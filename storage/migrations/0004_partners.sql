-- 0004_partners: what klimabot learns of a person beyond Slack's locale.
--
-- team_id is the person's home workspace (users.info team_id, cached with
-- the locale): a member of another workspace than the installing one is a
-- partner in a Slack Connect channel, and never an admin.
--
-- inferred_* is the language the bot inferred from what the person wrote,
-- kept apart from their explicit choice (language): how it was inferred
-- (a thread reply, a logged text, a command word...), an excerpt of the
-- text, and when. '' / NULL: nothing inferred yet.
ALTER TABLE users ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN inferred_lang TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN inferred_from TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN inferred_text TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN inferred_at TEXT;
