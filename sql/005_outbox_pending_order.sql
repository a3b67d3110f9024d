-- 005_outbox_pending_order.sql - the publisher claims the oldest pending rows (ORDER BY id
-- LIMIT 10 ... FOR UPDATE SKIP LOCKED). With only ix_outbox_due (status, next_attempt_at, id)
-- that claim read, locked and sorted every pending row (10 ms per batch at a backlog of 5,000,
-- 80 ms with the per-user order check), so a backlog drained at about 200 messages/s. This
-- index lets the claim walk the pending rows in id order and stop after the first batch.
CREATE INDEX ix_outbox_pending ON outbox (status, id);
