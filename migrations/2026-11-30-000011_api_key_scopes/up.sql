-- What a key may do: `read` (GET), `write` (send messages, change conversations and contacts),
-- `admin` (an admin's powers, such as inviting people). Keys made before scopes existed keep
-- reading and writing; admin powers are never granted without an admin asking for them.
ALTER TABLE api_keys
    ADD COLUMN scopes text[] NOT NULL DEFAULT '{read,write}'
        CONSTRAINT api_keys_scopes_known CHECK (
            cardinality(scopes) BETWEEN 1 AND 3
            AND scopes <@ ARRAY['read', 'write', 'admin']::text[]
            AND array_position(scopes, NULL) IS NULL
        );
