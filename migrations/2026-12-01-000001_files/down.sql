DELETE FROM messages WHERE body = '';
ALTER TABLE messages DROP CONSTRAINT messages_body_check;
ALTER TABLE messages ADD CONSTRAINT messages_body_check CHECK (char_length(body) BETWEEN 1 AND 10000);
ALTER TABLE messages DROP COLUMN attachment_count;
DROP TRIGGER uploads_queue_file_deletion ON uploads;
DROP FUNCTION uploads_queue_file_deletion();
DROP TABLE file_deletions;
DROP TABLE uploads;
