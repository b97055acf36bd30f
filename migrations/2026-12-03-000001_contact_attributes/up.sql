-- Custom contact attributes a workspace's admins define. The values stay in contacts.attributes
-- (jsonb), under each definition's key; keys the website sends without a definition stay there
-- too, free-form. The rules of a value are in src/contacts/attributes.rs.
CREATE TABLE contact_attributes (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- What the widget's JavaScript API and the REST API name it by; never changes.
    key text NOT NULL CHECK (key ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'),
    label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 60),
    value_type text NOT NULL CHECK (value_type IN ('text', 'number', 'date', 'boolean', 'list')),
    -- The choices of a list (1 to 50, each 1 to 100 characters); empty for every other type.
    options text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((value_type = 'list') = (cardinality(options) BETWEEN 1 AND 50))
);
-- One definition per key in a workspace, whatever its case: "Plan" and "plan" would be two JSON
-- keys that people cannot tell apart.
CREATE UNIQUE INDEX contact_attributes_key_idx ON contact_attributes (workspace_id, lower(key));
