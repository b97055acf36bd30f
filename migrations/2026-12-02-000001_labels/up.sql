-- Labels a workspace defines, and the labels on each conversation.
CREATE TABLE labels (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 40),
    color text NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The target of conversation_labels' foreign key: a label is only ever put on a
    -- conversation of its own workspace.
    UNIQUE (workspace_id, id)
);
-- Names are unique per workspace whatever their case: "Billing" and "billing" are one label.
CREATE UNIQUE INDEX labels_name_idx ON labels (workspace_id, lower(name));

CREATE TABLE conversation_labels (
    workspace_id uuid NOT NULL,
    conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    label_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, label_id),
    FOREIGN KEY (workspace_id, label_id) REFERENCES labels (workspace_id, id) ON DELETE CASCADE
);
-- The list filtered by a label, when the label is rare enough that starting from it is cheaper
-- than walking the inbox index; and deleting a label.
CREATE INDEX conversation_labels_label_idx ON conversation_labels (label_id, conversation_id);
