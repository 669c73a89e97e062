-- vigil fleet: a cheaper pass over repositories listed through the
-- GitHub and GitLab APIs. activity_at is when the listing last said the
-- repository was pushed to (GitHub pushed_at, GitLab last_activity_at);
-- checked_activity_at is what it said when the remote was last asked
-- (ls-remote or fetch); quiet_passes counts the passes since then that
-- skipped asking because nothing was pushed.
ALTER TABLE fleet_repositories ADD COLUMN activity_at BIGINT;
ALTER TABLE fleet_repositories ADD COLUMN checked_activity_at BIGINT;
ALTER TABLE fleet_repositories ADD COLUMN quiet_passes INTEGER NOT NULL DEFAULT 0;
