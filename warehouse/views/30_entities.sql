-- People, organisations, places and groups named by each article, one row per entity.
create or replace view entities as
select article_id, name, label, mentions, first_offset, batch_id
from read_parquet('{lake}/entities/*.parquet', union_by_name = true)
where batch_id in (select batch_id from committed_batches);
