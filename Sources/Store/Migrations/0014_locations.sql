-- 0014 · A chain, not one café: the owner adds, renames and archives locations. An archived
-- location keeps its history (orders, staff, keys) but takes no new invites or keys.

ALTER TABLE locations ADD COLUMN archived_at timestamptz;
ALTER TABLE locations ADD CONSTRAINT locations_name_unique UNIQUE (name);
