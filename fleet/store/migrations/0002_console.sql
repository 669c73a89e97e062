-- vigil serve: the console's people (users, sessions, API tokens), its own
-- audit trail (changes that are not an incident's: users, tokens, scans,
-- rotation settings), and rotations started from it.
-- Session ids and API tokens are stored hashed (SHA-256 of a random value);
-- passwords as argon2id hashes. No secret of a credential is ever stored.
CREATE TABLE console_users (
	id {{id}},
	name TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	role TEXT NOT NULL,
	disabled BOOLEAN NOT NULL DEFAULT FALSE,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE console_sessions (
	id_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);

CREATE TABLE console_tokens (
	id {{id}},
	user_id BIGINT NOT NULL REFERENCES console_users(id) ON DELETE CASCADE,
	name TEXT NOT NULL DEFAULT '',
	hash TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	last_used_at BIGINT,
	revoked_at BIGINT
);
CREATE INDEX console_tokens_user ON console_tokens (user_id);

CREATE TABLE console_audit (
	id {{id}},
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL
);

-- Where a Twilio credential found in a repository (or belonging to an
-- account) lives, for rotations from the console: scope is
-- "repository:ID" or "account:AC…". URIs name stores, never hold secrets.
CREATE TABLE console_rotation_targets (
	id {{id}},
	scope TEXT NOT NULL UNIQUE,
	store_uri TEXT NOT NULL,
	credentials_uri TEXT NOT NULL DEFAULT '',
	sid_field TEXT NOT NULL DEFAULT '',
	secret_field TEXT NOT NULL DEFAULT '',
	token_field TEXT NOT NULL DEFAULT '',
	health_url TEXT NOT NULL DEFAULT '',
	wait_ms BIGINT NOT NULL DEFAULT 0,
	updated_by TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE console_rotations (
	id {{id}},
	incident_id BIGINT REFERENCES fleet_incidents(id) ON DELETE SET NULL,
	kind TEXT NOT NULL,
	account TEXT NOT NULL,
	credential TEXT NOT NULL DEFAULT '',
	journal TEXT NOT NULL,
	actor TEXT NOT NULL,
	state TEXT NOT NULL,
	error TEXT NOT NULL DEFAULT '',
	started_at BIGINT NOT NULL,
	finished_at BIGINT
);
CREATE INDEX console_rotations_incident ON console_rotations (incident_id, id);

-- The overview's trend reads status changes by date.
CREATE INDEX fleet_events_status_at ON fleet_events (to_status, at);
