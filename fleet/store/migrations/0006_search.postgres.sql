-- Search without scanning the incidents: trigram GIN indexes (pg_trgm,
-- shipped in Debian's postgresql package and trusted, so the database's
-- owner may create it) over what q= matches: an incident's rule, provider
-- and redacted preview, an occurrence's path, a repository's name.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX fleet_incidents_search ON fleet_incidents USING gin (rule gin_trgm_ops, provider gin_trgm_ops, secret_preview gin_trgm_ops);
CREATE INDEX fleet_occurrences_search ON fleet_occurrences USING gin (path gin_trgm_ops);
CREATE INDEX fleet_repositories_search ON fleet_repositories USING gin (name gin_trgm_ops);
