-- vigil fleet: sources, repositories and their scan state, incidents,
-- occurrences, verification history, audit trail, notifications.
-- Times are Unix milliseconds (BIGINT), the same in SQLite and Postgres.
-- {{id}} is an auto-numbered primary key in either database.
CREATE TABLE fleet_sources (
	id {{id}},
	name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	spec TEXT NOT NULL,
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	last_polled_at BIGINT,
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

CREATE TABLE fleet_repositories (
	id {{id}},
	source_id BIGINT REFERENCES fleet_sources(id) ON DELETE SET NULL,
	name TEXT NOT NULL,
	url TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	token_env TEXT NOT NULL DEFAULT '',
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	gone BOOLEAN NOT NULL DEFAULT FALSE,
	last_synced_at BIGINT,
	last_scanned_at BIGINT,
	last_error TEXT NOT NULL DEFAULT '',
	last_error_at BIGINT,
	scans INTEGER NOT NULL DEFAULT 0,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX fleet_repositories_source ON fleet_repositories (source_id);

CREATE TABLE fleet_ref_tips (
	repository_id BIGINT NOT NULL REFERENCES fleet_repositories(id) ON DELETE CASCADE,
	ref TEXT NOT NULL,
	tip TEXT NOT NULL,
	scanned_at BIGINT NOT NULL,
	PRIMARY KEY (repository_id, ref)
);

CREATE TABLE fleet_incidents (
	id {{id}},
	fingerprint TEXT NOT NULL UNIQUE,
	rule TEXT NOT NULL,
	provider TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	secret_preview TEXT NOT NULL,
	confidence INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT 'open',
	status_reason TEXT NOT NULL DEFAULT '',
	verdict TEXT NOT NULL DEFAULT 'not_verified',
	verdict_reason TEXT NOT NULL DEFAULT '',
	verified_at BIGINT,
	live_epoch INTEGER NOT NULL DEFAULT 0,
	occurrence_count INTEGER NOT NULL DEFAULT 0,
	repository_count INTEGER NOT NULL DEFAULT 0,
	first_seen_at BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX fleet_incidents_status ON fleet_incidents (status, id);
CREATE INDEX fleet_incidents_provider ON fleet_incidents (provider, id);
CREATE INDEX fleet_incidents_verdict ON fleet_incidents (verdict, id);
CREATE INDEX fleet_incidents_first_seen ON fleet_incidents (first_seen_at);
CREATE INDEX fleet_incidents_reverify ON fleet_incidents (status, verified_at);

CREATE TABLE fleet_occurrences (
	id {{id}},
	incident_id BIGINT NOT NULL REFERENCES fleet_incidents(id) ON DELETE CASCADE,
	repository_id BIGINT NOT NULL REFERENCES fleet_repositories(id) ON DELETE CASCADE,
	commit_sha TEXT NOT NULL DEFAULT '',
	path TEXT NOT NULL,
	line INTEGER NOT NULL DEFAULT 0,
	col INTEGER NOT NULL DEFAULT 0,
	author TEXT NOT NULL DEFAULT '',
	author_email TEXT NOT NULL DEFAULT '',
	committed_at BIGINT,
	blob TEXT NOT NULL DEFAULT '',
	span_start BIGINT NOT NULL DEFAULT -1,
	span_len INTEGER NOT NULL DEFAULT 0,
	layer TEXT NOT NULL DEFAULT '',
	present BOOLEAN,
	found_at BIGINT NOT NULL,
	UNIQUE (incident_id, repository_id, path)
);
CREATE INDEX fleet_occurrences_repository ON fleet_occurrences (repository_id, incident_id);

CREATE TABLE fleet_verifications (
	id {{id}},
	incident_id BIGINT NOT NULL REFERENCES fleet_incidents(id) ON DELETE CASCADE,
	verdict TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	facts TEXT NOT NULL DEFAULT '{}',
	actor TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX fleet_verifications_incident ON fleet_verifications (incident_id, id);

CREATE TABLE fleet_events (
	id {{id}},
	incident_id BIGINT REFERENCES fleet_incidents(id) ON DELETE CASCADE,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL DEFAULT '',
	comment TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL
);
CREATE INDEX fleet_events_incident ON fleet_events (incident_id, id);

CREATE TABLE fleet_notifications (
	id {{id}},
	incident_id BIGINT NOT NULL REFERENCES fleet_incidents(id) ON DELETE CASCADE,
	event TEXT NOT NULL,
	output TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending',
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	sent_at BIGINT,
	UNIQUE (incident_id, event, output)
);

CREATE TABLE fleet_settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);
