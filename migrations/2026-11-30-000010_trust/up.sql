-- An identity is verified only when the website signed it (user_hash). Claims without a valid
-- hash stay on their own contact, marked unverified, and never join an existing one: only
-- verified ids are unique per workspace. Ids stored before this distinction cannot be told
-- apart, so they count as unverified (a later verified identify starts a verified contact).
ALTER TABLE contacts ADD COLUMN identity_verified boolean NOT NULL DEFAULT false;
UPDATE contacts c SET identity_verified = true
FROM widget_settings s
WHERE s.workspace_id = c.workspace_id AND s.identity_required AND c.external_id IS NOT NULL;
DROP INDEX contacts_external_id_idx;
CREATE UNIQUE INDEX contacts_external_id_idx ON contacts (workspace_id, external_id) WHERE identity_verified;
ALTER TABLE contacts ADD CONSTRAINT contacts_verified_has_id CHECK (NOT identity_verified OR external_id IS NOT NULL);

-- New conversations waiting for the team's notice email: one job per workspace sends them
-- together, at most one a minute.
CREATE TABLE pending_conversation_notices (
    conversation_id uuid PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_conversation_notices_workspace_idx ON pending_conversation_notices (workspace_id, created_at);
-- The notice throttle looks up a workspace's latest job of a kind.
CREATE INDEX jobs_workspace_kind_idx ON jobs (workspace_id, kind, run_at DESC);
