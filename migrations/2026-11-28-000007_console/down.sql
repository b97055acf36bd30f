DROP TABLE audit_events;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP INDEX conversations_resolved_idx;
DROP INDEX conversations_unread_by_agents_idx;
DROP INDEX conversations_unseen_by_visitor_idx;
ALTER TABLE conversations DROP COLUMN visitor_emailed_seq, DROP COLUMN agents_emailed_seq;
ALTER TABLE memberships DROP COLUMN email_new_conversations, DROP COLUMN online_until;
ALTER TABLE workspaces DROP COLUMN hours_enabled, DROP COLUMN time_zone, DROP COLUMN business_hours,
    DROP COLUMN offline_message, DROP COLUMN followup_delay_seconds, DROP COLUMN retention_days;
DROP TABLE jobs;
