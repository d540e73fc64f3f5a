-- One row per accepted article.
create or replace view articles as
select
    article_id, source_file, source_record, format, url, outlet, outlet_domain, title,
    published_at, published_date, date_source, authors, wire, dateline, language, body,
    word_count, story_id, copy_group, date_suspect, warnings, ingested_at, content_hash,
    batch_id
from read_parquet('{lake}/articles/*.parquet', union_by_name = true)
where batch_id in (select batch_id from committed_batches);
