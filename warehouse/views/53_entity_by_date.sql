-- Articles, stories and outlets naming each entity, per publication day, from the rollups
-- (sorted by name in each file: one entity's days are a few row groups).
create or replace view entity_by_date as
select
    name,
    label,
    published_date,
    sum(articles)::bigint as articles,
    sum(stories)::bigint as stories,
    sum(outlets)::bigint as outlets
from rollup_entity_date
group by name, label, published_date
order by published_date nulls last, articles desc, name;
