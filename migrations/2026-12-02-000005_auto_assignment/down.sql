ALTER TABLE memberships DROP COLUMN last_assigned_at;
ALTER TABLE workspaces DROP COLUMN assignment_limit, DROP COLUMN auto_assignment;
