ALTER TABLE workspaces DROP COLUMN csat_enabled;
DROP TABLE conversation_ratings;
DROP TABLE agent_reply_counts;
DROP INDEX conversations_created_idx;
CREATE INDEX conversations_created_idx ON conversations (workspace_id, created_at);
DROP INDEX conversations_resolved_at_idx;
DROP INDEX conversations_first_reply_idx;
ALTER TABLE conversations
    DROP COLUMN first_reply_at,
    DROP COLUMN first_reply_by,
    DROP COLUMN resolved_at,
    DROP COLUMN resolved_by;
