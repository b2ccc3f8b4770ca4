-- Room for a claim's lease on the row's own page. A claim writes claim_id
-- and locked_until, which no index covers, so PostgreSQL can update the row
-- in place (HOT, no index entries) when the new version fits on its page.
-- At fillfactor 70 a claim of a few dozen rows freshly inserted together
-- found room for about a third of them; the rest became ordinary updates,
-- a new entry in each of the table's eight indexes. At 50 nearly every
-- lease fits. Only pages written from now on keep the room.
ALTER TABLE webhook_deliveries SET (fillfactor = 50);
