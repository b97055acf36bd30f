-- Reports read what happened when it happened, never by scanning messages: the first public
-- reply and the latest resolution are stamped on the conversation by the statement that makes
-- them (the message writer's batch, the actions module), with who made them.
--
-- `first_reply_by` and `resolved_by` name a user without a foreign key on purpose: a report
-- keeps counting a former member's work (shown as "Former member"), and deleting a user must
-- not scan every conversation.
ALTER TABLE conversations
    ADD COLUMN first_reply_at timestamptz,
    ADD COLUMN first_reply_by uuid,
    ADD COLUMN resolved_at timestamptz,
    ADD COLUMN resolved_by uuid;

-- Conversations from before this change: their first public agent reply, and when a resolved
-- one was last changed (the closest record of its resolution there is).
UPDATE conversations c SET first_reply_at = m.created_at, first_reply_by = m.author_id
FROM (
    SELECT DISTINCT ON (conversation_id) conversation_id, created_at, author_id FROM messages
    WHERE author_kind = 'agent' AND NOT private ORDER BY conversation_id, seq
) m
WHERE m.conversation_id = c.id;
UPDATE conversations SET resolved_at = updated_at, resolved_by = assignee_id WHERE status = 'resolved';

-- The report's ranges, read by index (and, with the included columns, from the index alone).
-- The conversations started in a range: replaces the billing's index on the same key.
DROP INDEX conversations_created_idx;
CREATE INDEX conversations_created_idx ON conversations (workspace_id, created_at) INCLUDE (status, assignee_id, id);
CREATE INDEX conversations_first_reply_idx ON conversations (workspace_id, first_reply_at)
    INCLUDE (created_at, first_reply_by, id) WHERE first_reply_at IS NOT NULL;
CREATE INDEX conversations_resolved_at_idx ON conversations (workspace_id, resolved_at)
    INCLUDE (created_at, resolved_by, id) WHERE resolved_at IS NOT NULL;

-- Each member's public replies, counted per quarter hour (every time zone's offset is a whole
-- number of quarters, so a local day is a whole number of them) by the message writer's batch
-- statement: a month of a busy team is a few thousand rows to add up, where counting its
-- messages would read hundreds of thousands. A count is history: deleting a conversation
-- later does not take its replies back.
CREATE TABLE agent_reply_counts (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    quarter timestamptz NOT NULL,
    user_id uuid NOT NULL,
    replies integer NOT NULL CHECK (replies > 0),
    PRIMARY KEY (workspace_id, quarter, user_id)
);
INSERT INTO agent_reply_counts (workspace_id, quarter, user_id, replies)
SELECT workspace_id, date_bin('15 minutes', created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), author_id, count(*)
FROM messages WHERE author_kind = 'agent' AND NOT private AND author_id IS NOT NULL
GROUP BY 1, 2, 3;

-- A visitor's rating of a conversation, one per conversation: a later rating within seven days
-- of the first replaces it. `agent_id` is who had the conversation when it was rated, so that
-- a later reassignment does not move the rating to someone else's figures.
CREATE TABLE conversation_ratings (
    conversation_id uuid PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    agent_id uuid,
    score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment text CHECK (char_length(comment) <= 1000),
    first_rated_at timestamptz NOT NULL DEFAULT now(),
    rated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_ratings_workspace_idx ON conversation_ratings (workspace_id, rated_at);

-- Whether a resolved conversation asks its visitor for a rating (on unless turned off).
ALTER TABLE workspaces ADD COLUMN csat_enabled boolean NOT NULL DEFAULT true;
