-- The keyword index: one row per article and word of its title or body (presswatch/search/terms.py).
-- Each batch's file is sorted by term in small row groups, so a lookup of a few words reads a
-- few row groups per file. Read it through the search macros (70_search.sql).
create or replace view terms as
select term, article_id, tf, title_tf, positions, word_count, batch_id
from read_parquet('{lake}/terms/*.parquet', union_by_name = true)
where batch_id in (select batch_id from committed_batches);
