ALTER TABLE workspaces DROP COLUMN csat_enabled;
DROP TABLE conversation_ratings;
DROP INDEX messages_agent_replies_idx;
DROP INDEX conversations_resolved_at_idx;
DROP INDEX conversations_first_reply_idx;
ALTER TABLE conversations
    DROP COLUMN first_reply_at,
    DROP COLUMN first_reply_by,
    DROP COLUMN resolved_at,
    DROP COLUMN resolved_by;
