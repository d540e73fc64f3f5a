-- Which outlets republish whose texts: each copy beside its group's original source (the wire
-- when credited, else the original's outlet), with the republisher's claimed date. The
-- original and date_suspect are chosen as in copies.
--
-- Each compaction keeps this view's rows as they were then (lake/syndication_snapshot, written
-- by presswatch/lake/compact.py), with the batches they read (compactions.snapshot_covers). A
-- copy group that no batch since has added to is the snapshot's rows as they are; the groups of
-- the batches since are worked out again from their members. The snapshot is used only while
-- every batch it read is still committed (a batch set aside, a snapshot file lost: the groups
-- are all worked out again, slower but the same rows).
--
-- A group's first member gives the group its id, so a group has two or more members exactly
-- when an article's copy_group is not its own id, and it was started in or before the batch
-- that brought that article. Each group's original is one aggregate, joined back to its
-- members: a window over the groups took 13 to 34% longer at 1M articles. The snapshot's
-- untouched groups are picked by NOT IN, as in stories (61_stories.sql).
create or replace view syndication as
with
snapshot as (  -- the newest whose batches are all committed; none: every group is worked out
    select c.batch_id, any_value(c.snapshot_covers) as covers
    from (
        select batch_id, snapshot_covers, unnest(snapshot_covers) as covered
        from read_parquet('{lake}/compactions/*.parquet', union_by_name = true)
        where batch_id in (
            select batch_id from read_parquet('{lake}/syndication_snapshot/*.parquet')
        )
    ) as c
    left join committed_batches as k on k.batch_id = c.covered
    group by c.batch_id
    having count(k.batch_id) = count(*)
    order by c.batch_id desc
    limit 1
),
since as (
    select batch_id from committed_batches
    except
    select unnest(covers) from snapshot
),
touched as (
    select distinct copy_group
    from articles join since using (batch_id)
    where copy_group != article_id
),
members as (
    select article_id, copy_group, outlet_domain, outlet, published_at, wire, ingested_at
    from articles
    where copy_group in (select copy_group from touched)
),
originals as (
    select
        copy_group,
        -- The first member in ORDER BY wire IS NULL, published_at NULLS LAST, ingested_at,
        -- article_id: a struct's minimum compares its fields in order, and the id is unique.
        min({
            'uncredited': wire is null,
            'undated': published_at is null,
            'published': published_at,
            'ingested': ingested_at,
            'article_id': article_id,
            'source': coalesce(wire, outlet_domain, outlet),
            'domain': outlet_domain,
            'outlet': outlet
        }) as original,
        min(published_at) as earliest
    from members
    group by copy_group
)
select * exclude (batch_id)
from read_parquet('{lake}/syndication_snapshot/*.parquet', union_by_name = true)
where batch_id = (select batch_id from snapshot)
  and copy_group not in (select copy_group from touched)
union all
select
    m.copy_group,
    o.original.source as source,
    o.original.domain as original_domain,
    o.original.outlet as original_outlet,
    o.original.published as original_published,
    m.outlet_domain as republisher_domain,
    m.outlet as republisher,
    m.published_at as republished_at,
    coalesce(m.published_at > o.earliest + interval 2 day, false) as date_suspect,
    m.article_id
from members as m
join originals as o using (copy_group)
where m.article_id != o.original.article_id
order by source, republished_at;
