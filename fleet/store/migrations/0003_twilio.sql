-- vigil fleet: the Twilio accounts of the fleet file, audited and checked
-- for exposure on schedule. One audit run per account (a main account's
-- run covers its subaccounts: one row each), with each control's result,
-- level and framework mappings; one exposure check per main account.
-- Reports hold no secret (the audit and exposure reports never do).
CREATE TABLE fleet_audit_runs (
	id {{id}},
	source_id BIGINT REFERENCES fleet_sources(id) ON DELETE SET NULL,
	account_sid TEXT NOT NULL,
	account_name TEXT NOT NULL DEFAULT '',
	started_at BIGINT NOT NULL,
	finished_at BIGINT NOT NULL,
	level TEXT NOT NULL,
	principal TEXT NOT NULL DEFAULT '',
	errors TEXT NOT NULL DEFAULT '[]',
	report TEXT NOT NULL
);
CREATE INDEX fleet_audit_runs_account ON fleet_audit_runs (account_sid, finished_at, id);

CREATE TABLE fleet_audit_results (
	run_id BIGINT NOT NULL REFERENCES fleet_audit_runs(id) ON DELETE CASCADE,
	control_id TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL,
	status TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	frameworks TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (run_id, control_id)
);

CREATE TABLE fleet_exposure_runs (
	id {{id}},
	source_id BIGINT REFERENCES fleet_sources(id) ON DELETE SET NULL,
	account_sid TEXT NOT NULL,
	since_at BIGINT NOT NULL,
	until_at BIGINT NOT NULL,
	finished_at BIGINT NOT NULL,
	misuse BOOLEAN NOT NULL,
	incomplete BOOLEAN NOT NULL,
	findings INTEGER NOT NULL,
	report TEXT NOT NULL
);
CREATE INDEX fleet_exposure_runs_account ON fleet_exposure_runs (account_sid, finished_at, id);
