-- The texts a workspace writes for its visitors, per language. The default language's greeting,
-- button text and away message stay where they were (widget_settings.greeting,
-- widget_settings.launcher_text, workspaces.offline_message); a row here holds another
-- language's, and the CSAT question of any language. An empty text falls back to the default
-- language's, then to Parlor's own in the visitor's language.
CREATE TABLE workspace_texts (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    language text NOT NULL CHECK (char_length(language) BETWEEN 2 AND 35),
    greeting text NOT NULL DEFAULT '' CHECK (char_length(greeting) <= 500),
    launcher_text text NOT NULL DEFAULT '' CHECK (char_length(launcher_text) <= 40),
    offline_message text NOT NULL DEFAULT '' CHECK (char_length(offline_message) <= 500),
    csat_question text NOT NULL DEFAULT '' CHECK (char_length(csat_question) <= 200),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, language)
);
