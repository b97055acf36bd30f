DROP INDEX jobs_workspace_kind_idx;
DROP TABLE pending_conversation_notices;
ALTER TABLE contacts DROP CONSTRAINT contacts_verified_has_id;
DROP INDEX contacts_external_id_idx;
ALTER TABLE contacts DROP COLUMN identity_verified;
CREATE UNIQUE INDEX contacts_external_id_idx ON contacts (workspace_id, external_id) WHERE external_id IS NOT NULL;
