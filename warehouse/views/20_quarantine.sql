-- Inputs and records that did not become articles, with reason codes and details.
create or replace view quarantine as
select source_file, source_record, format, reasons, detail, ingested_at, content_hash, batch_id
from read_parquet('{lake}/quarantine/*.parquet', union_by_name = true)
where batch_id in (select batch_id from committed_batches);
