-- Which outlets republish whose texts: each copy beside its group's original source (the wire
-- when credited, else the original's outlet), with the republisher's claimed date.
create or replace view syndication as
select
    o.copy_group,
    coalesce(o.wire, o.outlet_domain, o.outlet) as source,
    o.outlet_domain as original_domain,
    o.outlet as original_outlet,
    o.published_at as original_published,
    r.outlet_domain as republisher_domain,
    r.outlet as republisher,
    r.published_at as republished_at,
    cr.date_suspect,
    r.article_id
from copies co
join articles o on o.article_id = co.article_id and co.is_original and co.group_size > 1
join copies cr on cr.copy_group = co.copy_group and not cr.is_original
join articles r on r.article_id = cr.article_id
order by source, republished_at;
