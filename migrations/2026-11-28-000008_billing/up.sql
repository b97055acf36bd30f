-- A workspace's subscription as Stripe last told it. No row: the Free plan.
CREATE TABLE billing_accounts (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    stripe_customer_id text UNIQUE,
    stripe_subscription_id text UNIQUE,
    -- The plan key from configuration (`pro`, ...) of the subscribed price; null: Free.
    plan text,
    -- Stripe's subscription status: trialing, active, past_due, canceled, unpaid, incomplete, ...
    status text,
    -- Paid seats: the subscription's quantity.
    seats integer NOT NULL DEFAULT 0 CHECK (seats >= 0),
    unit_amount bigint,
    currency text,
    current_period_end timestamptz,
    trial_end timestamptz,
    cancel_at_period_end boolean NOT NULL DEFAULT false,
    -- Set by invoice.payment_failed, cleared by invoice.paid: the dashboard's banner.
    payment_failed_at timestamptz,
    -- A workspace gets the free trial once.
    trial_used boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every Stripe event processed, so that a replay changes nothing.
CREATE TABLE stripe_events (
    id text PRIMARY KEY CHECK (char_length(id) <= 255),
    type text NOT NULL,
    workspace_id uuid REFERENCES workspaces (id) ON DELETE SET NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);

-- This month's conversations of a workspace, for the Free plan's cap.
CREATE INDEX conversations_created_idx ON conversations (workspace_id, created_at);
