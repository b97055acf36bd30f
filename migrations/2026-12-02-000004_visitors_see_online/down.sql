ALTER TABLE workspaces DROP COLUMN agents_online;
