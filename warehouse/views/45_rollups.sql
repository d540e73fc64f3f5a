-- The coverage rollups of committed batches (presswatch/lake/rollups.py): per batch and group,
-- its articles and the stories and outlets it brought to the group first. Summed over batches
-- they are the counts of the raw tables, exactly; the coverage views below read only these.
create or replace macro committed_rollup(rollup) as table
select * from read_parquet('{lake}/' || rollup || '/*.parquet', union_by_name = true)
where batch_id in (select batch_id from committed_batches);

create or replace view rollup_outlet as from committed_rollup('rollup_outlet');
create or replace view rollup_date as from committed_rollup('rollup_date');
create or replace view rollup_entity as from committed_rollup('rollup_entity');
create or replace view rollup_entity_date as from committed_rollup('rollup_entity_date');
create or replace view rollup_pairs as from committed_rollup('rollup_pairs');
-- Compaction merges the story rollups whole (presswatch/lake/compact.py).
create or replace view rollup_story as
select * from read_parquet('{lake}/rollup_story/*.parquet', union_by_name = true)
where batch_id in (select batch_id from committed_rollup_batches);
