-- Two-way email. Each workspace has a support address `<inbound_slug>@INBOUND_DOMAIN`: the
-- slug is made from its name and a random tail when the workspace is created (here, for the
-- workspaces from before), unique across workspaces since the address names one.
ALTER TABLE workspaces ADD COLUMN inbound_slug text;
UPDATE workspaces SET inbound_slug =
    coalesce(nullif(left(trim(both '-' from regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')), 24), ''), 'support')
    || '-' || left(md5(id::text || random()::text), 6);
ALTER TABLE workspaces ALTER COLUMN inbound_slug SET NOT NULL;
CREATE UNIQUE INDEX workspaces_inbound_slug_key ON workspaces (inbound_slug);

-- Where a conversation started: the chat, or an email (then with the email's subject, which
-- Parlor's replies answer with "Re: ...").
ALTER TABLE conversations
    ADD COLUMN channel text NOT NULL DEFAULT 'chat' CHECK (channel IN ('chat', 'email')),
    ADD COLUMN email_subject text;

-- Every email of a conversation, in and out: the thread's Message-IDs (an incoming one is
-- stored once per workspace, so a replayed delivery adds nothing), the message it became,
-- the original MIME's storage key, and the sender's SPF and DKIM results as the receiving
-- server reported them.
CREATE TABLE email_messages (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id uuid REFERENCES messages (id) ON DELETE SET NULL,
    direction text NOT NULL CHECK (direction IN ('in', 'out')),
    rfc_message_id text NOT NULL,
    raw_storage_key text,
    spf text,
    dkim text,
    subject text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX email_messages_rfc_id_key ON email_messages (workspace_id, rfc_message_id);
CREATE INDEX email_messages_conversation_idx ON email_messages (workspace_id, conversation_id, created_at);
CREATE INDEX email_messages_message_idx ON email_messages (workspace_id, message_id) WHERE message_id IS NOT NULL;

-- The original MIME goes with its row, whatever deletes it (the conversation, retention, the
-- workspace), as an upload's file does.
CREATE FUNCTION email_messages_queue_raw_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.raw_storage_key IS NOT NULL THEN
        INSERT INTO file_deletions (storage_key, workspace_id) VALUES (OLD.raw_storage_key, OLD.workspace_id)
            ON CONFLICT (storage_key) DO NOTHING;
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER email_messages_queue_raw_deletion AFTER DELETE ON email_messages
    FOR EACH ROW EXECUTE FUNCTION email_messages_queue_raw_deletion();

-- An email to a support address finds its sender's contact by address, whatever its case.
CREATE INDEX contacts_email_lower_idx ON contacts (workspace_id, lower(email));
