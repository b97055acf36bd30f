-- Each member's notifications, per event and channel. Desktop and sound are played by the
-- member's open inbox; email goes out through the job queue. `email_new_conversations` (from
-- the console migration) stays the email choice for new conversations, so what members chose
-- carries over; the new columns start at their defaults for everyone.
ALTER TABLE memberships
    ADD COLUMN desktop_new_conversation boolean NOT NULL DEFAULT true,
    ADD COLUMN sound_new_conversation boolean NOT NULL DEFAULT true,
    ADD COLUMN desktop_assigned boolean NOT NULL DEFAULT true,
    ADD COLUMN sound_assigned boolean NOT NULL DEFAULT true,
    ADD COLUMN email_assigned boolean NOT NULL DEFAULT true,
    ADD COLUMN desktop_new_message boolean NOT NULL DEFAULT true,
    ADD COLUMN sound_new_message boolean NOT NULL DEFAULT true,
    ADD COLUMN email_new_message boolean NOT NULL DEFAULT true;

-- When an assignee was last emailed about a visitor's new message in a conversation: at most
-- one such email per conversation and assignee every 10 minutes. Gone with the conversation or
-- the membership.
CREATE TABLE new_message_emails (
    workspace_id uuid NOT NULL,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, conversation_id, user_id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE
);
CREATE INDEX new_message_emails_conversation_idx ON new_message_emails (conversation_id);
