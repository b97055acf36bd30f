DROP INDEX conversations_created_idx;
DROP TABLE stripe_events;
DROP TABLE billing_accounts;
