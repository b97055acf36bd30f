ALTER TABLE webhook_deliveries ADD COLUMN locked_until timestamptz;
