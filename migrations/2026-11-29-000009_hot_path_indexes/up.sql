-- Indexes whose plan does not depend on how fresh the table's statistics are.

-- A workspace's messages by time: how an agent socket that fell behind catches up
-- (conversations::messages_since). Without it the only index that starts with workspace_id is
-- the search index, and reading it means reading every message the workspace ever had.
CREATE INDEX messages_workspace_created_idx ON messages (workspace_id, created_at);

-- A visitor's conversations within its workspace, newest first: every visitor hello reads
-- them. With the workspace in the index the query is one ordered index scan; without it, a
-- planner that still believed the table small combined the contact's index with one of the
-- workspace's, reading every conversation of the workspace on each hello. Same number of
-- indexes as before: contact_id still leads, for the cascade from contacts.
DROP INDEX conversations_contact_idx;
CREATE INDEX conversations_contact_idx ON conversations (contact_id, workspace_id, last_message_at DESC);
