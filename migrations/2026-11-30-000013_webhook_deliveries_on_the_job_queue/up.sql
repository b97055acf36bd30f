-- Webhook deliveries run on the job queue: each attempt is a `webhook_delivery` job, leased
-- like any job, so a delivery no longer holds a lease of its own. The row stays the schedule
-- (next_attempt_at, found through webhook_deliveries_due_idx) and the log the console shows.
ALTER TABLE webhook_deliveries DROP COLUMN locked_until;
