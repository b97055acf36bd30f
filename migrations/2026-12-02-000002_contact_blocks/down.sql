ALTER TABLE contacts DROP COLUMN blocked_by, DROP COLUMN blocked_at;
