-- Search without scanning the incidents: trigram full-text indexes (FTS5,
-- external content) over what q= matches, kept in step by triggers.
-- An incident's rule, provider and redacted preview; an occurrence's path.
-- Repository names are matched on fleet_repositories itself (a few
-- thousand rows at most), then reached through fleet_occurrences_repository.
-- columnsize=0: no ranking, so no per-row token counts to write.
CREATE VIRTUAL TABLE fleet_incidents_search USING fts5(rule, provider, secret_preview,
	content='fleet_incidents', content_rowid='id', tokenize='trigram', columnsize=0);
CREATE TRIGGER fleet_incidents_search_insert AFTER INSERT ON fleet_incidents BEGIN
	INSERT INTO fleet_incidents_search (rowid, rule, provider, secret_preview) VALUES (new.id, new.rule, new.provider, new.secret_preview);
END;
CREATE TRIGGER fleet_incidents_search_delete AFTER DELETE ON fleet_incidents BEGIN
	INSERT INTO fleet_incidents_search (fleet_incidents_search, rowid, rule, provider, secret_preview) VALUES ('delete', old.id, old.rule, old.provider, old.secret_preview);
END;
CREATE TRIGGER fleet_incidents_search_update AFTER UPDATE OF rule, provider, secret_preview ON fleet_incidents BEGIN
	INSERT INTO fleet_incidents_search (fleet_incidents_search, rowid, rule, provider, secret_preview) VALUES ('delete', old.id, old.rule, old.provider, old.secret_preview);
	INSERT INTO fleet_incidents_search (rowid, rule, provider, secret_preview) VALUES (new.id, new.rule, new.provider, new.secret_preview);
END;
INSERT INTO fleet_incidents_search (fleet_incidents_search) VALUES ('rebuild');

CREATE VIRTUAL TABLE fleet_occurrences_search USING fts5(path,
	content='fleet_occurrences', content_rowid='id', tokenize='trigram', columnsize=0);
CREATE TRIGGER fleet_occurrences_search_insert AFTER INSERT ON fleet_occurrences BEGIN
	INSERT INTO fleet_occurrences_search (rowid, path) VALUES (new.id, new.path);
END;
CREATE TRIGGER fleet_occurrences_search_delete AFTER DELETE ON fleet_occurrences BEGIN
	INSERT INTO fleet_occurrences_search (fleet_occurrences_search, rowid, path) VALUES ('delete', old.id, old.path);
END;
CREATE TRIGGER fleet_occurrences_search_update AFTER UPDATE OF path ON fleet_occurrences BEGIN
	INSERT INTO fleet_occurrences_search (fleet_occurrences_search, rowid, path) VALUES ('delete', old.id, old.path);
	INSERT INTO fleet_occurrences_search (rowid, path) VALUES (new.id, new.path);
END;
INSERT INTO fleet_occurrences_search (fleet_occurrences_search) VALUES ('rebuild');
