-- What was done with every input file: ingested (its records are in articles or quarantine),
-- duplicate (the same bytes were ingested under another name, duplicate_of), or partial (an
-- archive chunk with more records to come). Distinct: compaction briefly holds two copies.
create or replace view ingest_log as
select distinct
    source_file, content_hash, size, outcome, duplicate_of, accepted, quarantined,
    records_done, ingested_at, batch_id
from read_parquet('{lake}/ledger/*.parquet', union_by_name = true);
