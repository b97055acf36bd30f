-- Files people send in the chat. A row is an upload until a message takes it (message_id set);
-- from then on it is that message's attachment. The bytes live in object storage under
-- `storage_key` (and `thumbnail_key` for images), never in Postgres.
CREATE TABLE uploads (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Who uploaded it: only the same person may attach it to a message.
    uploader_kind text NOT NULL CHECK (uploader_kind IN ('visitor', 'agent')),
    uploader_id uuid NOT NULL,
    -- The visitor it belongs to: the uploader for a visitor's upload, the conversation's
    -- contact once attached. Deleting the contact deletes the file.
    contact_id uuid REFERENCES contacts (id) ON DELETE CASCADE,
    conversation_id uuid REFERENCES conversations (id) ON DELETE CASCADE,
    message_id uuid REFERENCES messages (id) ON DELETE CASCADE,
    -- Its place among the message's attachments.
    position smallint CHECK (position BETWEEN 0 AND 9),
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    -- Sniffed from the bytes, never taken from the client.
    content_type text NOT NULL CHECK (char_length(content_type) <= 100),
    size bigint NOT NULL CHECK (size > 0),
    width integer CHECK (width > 0),
    height integer CHECK (height > 0),
    storage_key text NOT NULL UNIQUE CHECK (char_length(storage_key) <= 300),
    thumbnail_key text CHECK (char_length(thumbnail_key) <= 300),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((message_id IS NULL) = (position IS NULL))
);
-- A message's attachments in order; also what the claim of an upload by a message checks.
CREATE UNIQUE INDEX uploads_message_idx ON uploads (message_id, position) WHERE message_id IS NOT NULL;
CREATE INDEX uploads_conversation_idx ON uploads (conversation_id, created_at) WHERE conversation_id IS NOT NULL;
CREATE INDEX uploads_contact_idx ON uploads (contact_id, created_at) WHERE contact_id IS NOT NULL;
-- The sweep of uploads no message took, and a workspace's storage in use.
CREATE INDEX uploads_unused_idx ON uploads (created_at) WHERE message_id IS NULL;
CREATE INDEX uploads_workspace_idx ON uploads (workspace_id);

-- Objects to remove from storage. Every deleted upload row lands here by trigger, whatever
-- deleted it (a contact, retention, the workspace, the sweep), in the same transaction, so a
-- file can never outlive its row unnoticed. The worker removes the objects, retrying with backoff.
-- No foreign key: the workspace may be gone by the time its files are removed.
CREATE TABLE file_deletions (
    storage_key text PRIMARY KEY,
    workspace_id uuid NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX file_deletions_due_idx ON file_deletions (next_attempt_at);

CREATE FUNCTION uploads_queue_file_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO file_deletions (storage_key, workspace_id) VALUES (OLD.storage_key, OLD.workspace_id)
        ON CONFLICT (storage_key) DO NOTHING;
    IF OLD.thumbnail_key IS NOT NULL THEN
        INSERT INTO file_deletions (storage_key, workspace_id) VALUES (OLD.thumbnail_key, OLD.workspace_id)
            ON CONFLICT (storage_key) DO NOTHING;
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER uploads_queue_file_deletion AFTER DELETE ON uploads
    FOR EACH ROW EXECUTE FUNCTION uploads_queue_file_deletion();

-- How many attachments a message has, so that reading messages looks for them only when
-- there are some.
ALTER TABLE messages ADD COLUMN attachment_count smallint NOT NULL DEFAULT 0
    CHECK (attachment_count BETWEEN 0 AND 10);

-- A message may be attachments alone: the body may now be empty (the server still refuses a
-- message with neither).
ALTER TABLE messages DROP CONSTRAINT messages_body_check;
ALTER TABLE messages ADD CONSTRAINT messages_body_check CHECK (char_length(body) <= 10000);
