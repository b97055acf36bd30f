-- Saved replies agents insert by typing "/" and a shortcut.
CREATE TABLE canned_responses (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    shortcut text NOT NULL CHECK (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, shortcut)
);

-- Full-text search over a workspace's messages and contacts. 'simple': no stemming, so that
-- every language and product names match as typed. btree_gin puts the workspace in the same
-- index, so one tenant's search never reads another's matches. An email is also split at its
-- punctuation, so that "refund" finds refund.hunter@example.com.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX messages_search_idx ON messages USING gin (workspace_id, to_tsvector('simple', body));
CREATE INDEX contacts_search_idx ON contacts
    USING gin (workspace_id, to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || translate(coalesce(email, ''), '@.+_-', '     ') || ' ' || coalesce(external_id, '')));
-- An agent's status, chosen by the agent; offline is having no socket open.
ALTER TABLE memberships ADD COLUMN away boolean NOT NULL DEFAULT false;
-- Snoozed conversations wake up at snoozed_until (the inbox lists them as open again).
CREATE INDEX conversations_snoozed_idx ON conversations (snoozed_until) WHERE status = 'snoozed';
