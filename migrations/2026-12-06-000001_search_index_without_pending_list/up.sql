-- The search index takes each message's entries as the message is stored, instead of keeping
-- them in a pending list (GIN's default, `fastupdate`). With the list, whichever insert finds it
-- full (4 MB: every few seconds at 10,000 messages a second) merges all of it into the index
-- before its transaction can commit. That held one message writer's batch for 120 to 170 ms
-- while the writer's queue backed up behind it, and set the p99 of delivery. Without the list,
-- each insert costs a little more, evenly, and searches no longer read an unsorted list.
-- Measured in docs/performance.md ("The search index's pending list").
ALTER INDEX messages_search_idx SET (fastupdate = off);
-- Entries already pending are moved into the index now; turning the option off keeps them.
SELECT gin_clean_pending_list('messages_search_idx'::regclass);
