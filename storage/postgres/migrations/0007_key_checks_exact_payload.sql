-- Key check values: one per key ID, the sealed text of a known plaintext,
-- recorded by Migrate the first time a Sealer's current key seals on this
-- database. Migrate opens every check value whose key the Sealer holds and
-- refuses a key that cannot: a wrong key under a known ID never seals a row.
CREATE TABLE intime_key_checks (
  key_id TEXT PRIMARY KEY,
  check_value TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Deliveries send the payload as it was published. §18 documents payload as
-- JSONB, which keeps a parsed form: keys reordered, duplicates collapsed,
-- numbers and escapes rewritten ({"b":1,"a":2.50,"n":1e2} came back as
-- {"a": 2.50, "b": 1, "n": 100}), and numbers beyond numeric's range
-- refused. json keeps the exact text, still checked as JSON and queryable
-- with the json operators (cast to jsonb where an index or containment is
-- needed). It is also the cheapest way to keep the exact bytes (measured by
-- BenchmarkPayloadColumn against jsonb and against jsonb beside a text copy):
-- no parse into jsonb on insert and no rendering back to text on every
-- claim, which for a 4 KiB payload made jsonb about 5 times slower to read
-- back and 2 times slower to write; for payloads of a few hundred bytes the
-- three are within the measurement's noise. Rows written before this
-- migration keep their jsonb rendering, the only text left of them. The
-- ALTER rewrites the table once, under an exclusive lock.
ALTER TABLE webhook_deliveries ALTER COLUMN payload TYPE json USING payload::json;
