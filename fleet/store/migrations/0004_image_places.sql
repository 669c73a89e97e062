-- vigil fleet: where an occurrence in a container image can be read
-- again. image_ref is the reference a worker opens (the tarball or
-- layout's path, or REPOSITORY@DIGEST); with commit_sha (the image's
-- digest), blob (the layer's digest, or the config's for ENV, labels and
-- history) and path, a worker re-reads the secret to verify it. The
-- secret itself is still never stored.
ALTER TABLE fleet_occurrences ADD COLUMN image_ref TEXT NOT NULL DEFAULT '';
