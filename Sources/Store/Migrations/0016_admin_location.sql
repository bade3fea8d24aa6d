-- 0016 · An admin account may belong to one location: it then manages that café only (its
-- orders, cancellations, staff, invites and figures). Owners, and accounts without a location,
-- manage the whole chain.

ALTER TABLE admins ADD COLUMN location_id bigint REFERENCES locations (id);
ALTER TABLE admins ADD CONSTRAINT admins_owner_manages_the_chain CHECK (role <> 'owner' OR location_id IS NULL);
