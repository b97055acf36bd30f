-- Auto-assignment: off, or round-robin among the members who are online and not away, each
-- holding at most `assignment_limit` open conversations.
ALTER TABLE workspaces
    ADD COLUMN auto_assignment text NOT NULL DEFAULT 'off' CHECK (auto_assignment IN ('off', 'round_robin')),
    ADD COLUMN assignment_limit integer NOT NULL DEFAULT 10 CHECK (assignment_limit BETWEEN 1 AND 100);
-- Round-robin's turn: the member whose last automatic assignment is oldest goes next.
ALTER TABLE memberships ADD COLUMN last_assigned_at timestamptz;
