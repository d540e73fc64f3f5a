-- What was done with every input file: ingested (its records are in articles or quarantine)
-- or duplicate (the same bytes were ingested under another name, duplicate_of).
create or replace view ingest_log as
select source_file, content_hash, size, outcome, duplicate_of, accepted, quarantined,
       ingested_at, batch_id
from read_parquet('{lake}/ledger/*.parquet', union_by_name = true);
