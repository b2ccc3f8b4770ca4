-- Key check values: one per key ID, the sealed text of a known plaintext,
-- recorded by Migrate the first time a Sealer's current key seals on this
-- database. Migrate opens every check value whose key the Sealer holds and
-- refuses a key that cannot: a wrong key under a known ID never seals a row.
CREATE TABLE intime_key_checks (
  key_id TEXT PRIMARY KEY,
  check_value TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))
);
