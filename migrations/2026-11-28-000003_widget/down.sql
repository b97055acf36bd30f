DROP INDEX contacts_external_id_idx;
ALTER TABLE contacts
    DROP COLUMN external_id, DROP COLUMN attributes, DROP COLUMN current_url, DROP COLUMN page_title,
    DROP COLUMN referrer, DROP COLUMN browser, DROP COLUMN os, DROP COLUMN language, DROP COLUMN time_zone;
DROP TABLE widget_settings;
