-- A blocked contact: their visitor tokens are revoked when the block is set, and no new
-- widget session, socket or message is accepted for them until a member lifts it.
ALTER TABLE contacts
    ADD COLUMN blocked_at timestamptz,
    -- Who blocked them; the block outlives that member's account.
    ADD COLUMN blocked_by uuid REFERENCES users (id) ON DELETE SET NULL;
