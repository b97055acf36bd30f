-- A workspace's messages by time: how an agent socket that fell behind catches up
-- (conversations::messages_since). Without it the only index that starts with workspace_id is
-- the search index, and reading it means reading every message the workspace ever had.
CREATE INDEX messages_workspace_created_idx ON messages (workspace_id, created_at);
