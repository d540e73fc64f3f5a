-- Batches whose rows are visible. An ingest batch writes its table files first and its ledger
-- file last, so a batch that crashed half-way is never shown. A compaction writes merged files
-- under its own batch id, then one file that both commits it and retires the batches it merged:
-- every row is shown exactly once, before, during and after.
create or replace view committed_batches as
select batch_id from read_parquet('{lake}/ledger/*.parquet')
union
select batch_id from read_parquet('{lake}/compactions/*.parquet', union_by_name = true)
except
select unnest(replaces) from read_parquet('{lake}/compactions/*.parquet', union_by_name = true);

-- Batches whose rollup_story rows are visible: a compaction merges them whole, so it also
-- retires those of the full batches whose other files it left as they were.
create or replace view committed_rollup_batches as
select batch_id from committed_batches
except
select unnest(replaces_rollups)
from read_parquet('{lake}/compactions/*.parquet', union_by_name = true);
