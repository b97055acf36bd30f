-- Background work (emails, retention), claimed with FOR UPDATE SKIP LOCKED by any instance.
-- The dedupe key makes enqueuing idempotent: the same work enqueued twice is stored once.
CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (char_length(kind) <= 50),
    dedupe_key text NOT NULL UNIQUE CHECK (char_length(dedupe_key) <= 200),
    payload jsonb NOT NULL DEFAULT '{}',
    run_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    -- A claimed job is leased; a worker that dies lets the lease run out and another retries.
    locked_until timestamptz,
    last_error text,
    done_at timestamptz,
    failed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX jobs_finished_idx ON jobs (created_at) WHERE done_at IS NOT NULL OR failed_at IS NOT NULL;

-- Business hours, offline mode, email follow-up and retention, per workspace.
ALTER TABLE workspaces
    ADD COLUMN hours_enabled boolean NOT NULL DEFAULT false,
    ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (char_length(time_zone) <= 64),
    -- Seven entries, Monday first: [opens, closes] in minutes after midnight, or null (closed).
    ADD COLUMN business_hours jsonb NOT NULL DEFAULT '[[540,1020],[540,1020],[540,1020],[540,1020],[540,1020],null,null]',
    ADD COLUMN offline_message text NOT NULL DEFAULT 'We are away right now. Leave your email and we will answer you there.'
        CHECK (char_length(offline_message) <= 500),
    ADD COLUMN followup_delay_seconds integer NOT NULL DEFAULT 120 CHECK (followup_delay_seconds BETWEEN 30 AND 86400),
    -- Conversations resolved more than this many days ago are deleted daily; null keeps them.
    ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 3650);

-- Agents who want an email for every new conversation; and until when a member counts as
-- online: an open inbox on any instance keeps pushing it forward.
ALTER TABLE memberships
    ADD COLUMN email_new_conversations boolean NOT NULL DEFAULT false,
    ADD COLUMN online_until timestamptz;

-- How far email has covered a conversation: the visitor's follow-up and the agents' notice.
ALTER TABLE conversations
    ADD COLUMN visitor_emailed_seq bigint NOT NULL DEFAULT 0,
    ADD COLUMN agents_emailed_seq bigint NOT NULL DEFAULT 0;
-- The sweeper's two questions, each answered from a small partial index.
CREATE INDEX conversations_unseen_by_visitor_idx ON conversations (last_message_at)
    WHERE visitor_read_seq < last_seq AND visitor_emailed_seq < last_seq;
CREATE INDEX conversations_unread_by_agents_idx ON conversations (last_message_at)
    WHERE agent_read_seq < last_seq AND agents_emailed_seq < last_seq;
CREATE INDEX conversations_resolved_idx ON conversations (workspace_id, updated_at) WHERE status = 'resolved';

-- Outgoing webhooks: where to POST which events, signed with the endpoint's secret.
CREATE TABLE webhook_endpoints (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url text NOT NULL CHECK (char_length(url) <= 2000),
    secret text NOT NULL,
    events text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 10),
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_workspace_idx ON webhook_endpoints (workspace_id);

-- One row per event per endpoint: the queue of deliveries and their log at once.
CREATE TABLE webhook_deliveries (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    payload jsonb NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz,
    response_status integer,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, created_at DESC);

-- Who did what to a workspace's settings, team, keys and data.
CREATE TABLE audit_events (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
    actor_name text NOT NULL,
    action text NOT NULL,
    detail text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_workspace_idx ON audit_events (workspace_id, created_at DESC, id DESC);
