-- How a workspace's chat widget looks and behaves, and who may embed it. One row per
-- workspace, created with its defaults the first time it is read.
CREATE TABLE widget_settings (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    color text NOT NULL DEFAULT '#2563eb' CHECK (color ~ '^#[0-9a-f]{6}$'),
    position text NOT NULL DEFAULT 'right' CHECK (position IN ('left', 'right')),
    greeting text NOT NULL DEFAULT 'Hi there! Ask us anything, we are happy to help.' CHECK (char_length(greeting) <= 500),
    launcher_text text NOT NULL DEFAULT '' CHECK (char_length(launcher_text) <= 40),
    reply_time text NOT NULL DEFAULT 'minutes' CHECK (reply_time IN ('minutes', 'hours', 'day')),
    require_email boolean NOT NULL DEFAULT false,
    sound boolean NOT NULL DEFAULT true,
    -- Host names (with an optional port) whose pages may embed the widget, subdomains included.
    -- Empty: any site.
    allowed_domains text[] NOT NULL DEFAULT '{}' CHECK (cardinality(allowed_domains) <= 50),
    identity_required boolean NOT NULL DEFAULT false,
    -- user_hash = HMAC-SHA256(identity_secret, user id), computed by the customer's server.
    identity_secret text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- What the widget tells about a visitor, for the inbox.
ALTER TABLE contacts
    ADD COLUMN external_id text CHECK (char_length(external_id) <= 200),
    ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN current_url text CHECK (char_length(current_url) <= 2000),
    ADD COLUMN page_title text CHECK (char_length(page_title) <= 300),
    ADD COLUMN referrer text CHECK (char_length(referrer) <= 2000),
    ADD COLUMN browser text CHECK (char_length(browser) <= 100),
    ADD COLUMN os text CHECK (char_length(os) <= 100),
    ADD COLUMN language text CHECK (char_length(language) <= 35),
    ADD COLUMN time_zone text CHECK (char_length(time_zone) <= 64);
-- An identified visitor is one contact on every device.
CREATE UNIQUE INDEX contacts_external_id_idx ON contacts (workspace_id, external_id) WHERE external_id IS NOT NULL;
