DROP INDEX conversations_contact_idx;
CREATE INDEX conversations_contact_idx ON conversations (contact_id, last_message_at DESC);
DROP INDEX messages_workspace_created_idx;
