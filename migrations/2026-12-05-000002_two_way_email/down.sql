DROP INDEX contacts_email_lower_idx;
DROP TRIGGER email_messages_queue_raw_deletion ON email_messages;
DROP FUNCTION email_messages_queue_raw_deletion();
DROP TABLE email_messages;
ALTER TABLE conversations DROP COLUMN channel, DROP COLUMN email_subject;
ALTER TABLE workspaces DROP COLUMN inbound_slug;
