-- Whether the widget last told the workspace's visitors that an agent is online: a change of
-- presence is pushed to visitors only when this flips, decided once across instances.
ALTER TABLE workspaces ADD COLUMN agents_online boolean NOT NULL DEFAULT false;
