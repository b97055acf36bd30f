-- Languages: the one each member reads the dashboard and their emails in, and the one a
-- workspace's visitors fall back to when their browser asks for none Parlor ships.
ALTER TABLE users
    ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (char_length(language) BETWEEN 2 AND 35);
ALTER TABLE workspaces
    ADD COLUMN default_language text NOT NULL DEFAULT 'en' CHECK (char_length(default_language) BETWEEN 2 AND 35);
