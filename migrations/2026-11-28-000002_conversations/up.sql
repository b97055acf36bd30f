-- Visitors of a workspace's website; anonymous until they identify themselves.
CREATE TABLE contacts (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name text CHECK (char_length(name) <= 200),
    email text CHECK (char_length(email) <= 254),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_workspace_id_idx ON contacts (workspace_id, created_at DESC);

-- Widget credentials: a visitor token names one row here; revoking the row revokes the token.
CREATE TABLE visitor_sessions (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX visitor_sessions_contact_id_idx ON visitor_sessions (contact_id);

CREATE TABLE conversations (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
    assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
    -- The seq of the newest message; the next message takes last_seq + 1 in its transaction.
    last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    visitor_read_seq bigint NOT NULL DEFAULT 0,
    agent_read_seq bigint NOT NULL DEFAULT 0,
    last_message_at timestamptz NOT NULL DEFAULT now(),
    snoozed_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- The inbox: a workspace's conversations of one status, newest activity first (keyset pages).
CREATE INDEX conversations_inbox_idx ON conversations (workspace_id, status, last_message_at DESC, id DESC);
CREATE INDEX conversations_assignee_idx ON conversations (workspace_id, assignee_id, status, last_message_at DESC, id DESC);
CREATE INDEX conversations_contact_idx ON conversations (contact_id, last_message_at DESC);

CREATE TABLE messages (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq bigint NOT NULL CHECK (seq > 0),
    -- Chosen by the sender; a retry with the same client_id returns the first result.
    client_id uuid NOT NULL,
    author_kind text NOT NULL CHECK (author_kind IN ('visitor', 'agent', 'system')),
    author_id uuid,
    body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 10000),
    private boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conversation_id, seq),
    UNIQUE (workspace_id, client_id)
);
