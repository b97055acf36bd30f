DROP INDEX conversations_snoozed_idx;
ALTER TABLE memberships DROP COLUMN away;
DROP INDEX contacts_search_idx;
DROP INDEX messages_search_idx;
DROP TABLE canned_responses;
