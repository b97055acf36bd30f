-- A person's avatar, the same in every workspace they belong to: the name of its 256-pixel
-- square in storage (`avatars/{name}`, with a 64-pixel copy at `avatars/{stem}-64.{ext}`).
-- Each upload gets a new random name, so what a name shows never changes and may be cached
-- for good; NULL shows the person's initials.
ALTER TABLE users ADD COLUMN avatar text CHECK (avatar ~ '^[0-9a-f]{32}\.(png|jpg)$');
-- `GET /avatars/{name}` serves a name only while it is someone's avatar.
CREATE UNIQUE INDEX users_avatar_idx ON users (avatar) WHERE avatar IS NOT NULL;

-- Avatars belong to no workspace.
ALTER TABLE file_deletions ALTER COLUMN workspace_id DROP NOT NULL;

-- A replaced or removed avatar (or a deleted user's) leaves storage the way a deleted upload
-- does: queued in the same transaction, removed by the worker with retries.
CREATE FUNCTION users_queue_avatar_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.avatar IS NOT NULL AND (TG_OP = 'DELETE' OR NEW.avatar IS DISTINCT FROM OLD.avatar) THEN
        INSERT INTO file_deletions (storage_key) VALUES
            ('avatars/' || OLD.avatar),
            ('avatars/' || regexp_replace(OLD.avatar, '\.', '-64.'))
            ON CONFLICT (storage_key) DO NOTHING;
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER users_queue_avatar_deletion AFTER UPDATE OF avatar OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION users_queue_avatar_deletion();
