DROP INDEX contacts_last_seen_idx;
