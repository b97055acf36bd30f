DROP TRIGGER users_queue_avatar_deletion ON users;
DROP FUNCTION users_queue_avatar_deletion();
DELETE FROM file_deletions WHERE workspace_id IS NULL;
ALTER TABLE file_deletions ALTER COLUMN workspace_id SET NOT NULL;
DROP INDEX users_avatar_idx;
ALTER TABLE users DROP COLUMN avatar;
