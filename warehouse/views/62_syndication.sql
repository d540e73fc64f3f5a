-- Which outlets republish whose texts: each copy beside its group's original source (the wire
-- when credited, else the original's outlet), with the republisher's claimed date. The
-- original and date_suspect are chosen as in copies, in one pass over the groups of two or
-- more articles (a group of one republishes nothing, and most groups are of one).
create or replace view syndication as
with ranked as (
    select
        article_id, copy_group, outlet_domain, outlet, published_at,
        row_number() over original_first as rank,
        first_value({
            'source': coalesce(wire, outlet_domain, outlet),
            'domain': outlet_domain,
            'outlet': outlet,
            'published': published_at
        }) over original_first as original,
        coalesce(
            published_at > min(published_at) over (partition by copy_group) + interval 2 day,
            false
        ) as date_suspect
    from articles
    where copy_group in (
        select copy_group from articles group by copy_group having count(*) > 1
    )
    window original_first as (
        partition by copy_group
        order by wire is null, published_at nulls last, ingested_at, article_id
    )
)
select
    copy_group,
    original.source as source,
    original.domain as original_domain,
    original.outlet as original_outlet,
    original.published as original_published,
    outlet_domain as republisher_domain,
    outlet as republisher,
    published_at as republished_at,
    date_suspect,
    article_id
from ranked
where rank > 1
order by source, republished_at;
