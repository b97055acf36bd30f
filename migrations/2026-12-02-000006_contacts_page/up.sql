-- The Contacts page: a workspace's contacts by when they were last seen, newest first, in keyset
-- pages. One ordered index scan per page, the id breaking ties as the cursor does.
CREATE INDEX contacts_last_seen_idx ON contacts (workspace_id, last_seen_at DESC, id DESC);
