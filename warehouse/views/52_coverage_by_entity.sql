-- Articles, stories and outlets naming each entity, with mentions and first and last
-- publication day, from the rollups (entity rows count with their article only, as a join).
create or replace view coverage_by_entity as
select
    name,
    label,
    sum(articles)::bigint as articles,
    sum(stories)::bigint as stories,
    sum(outlets)::bigint as outlets,
    sum(mentions)::bigint as mentions,
    min(first_published) as first_published,
    max(last_published) as last_published
from rollup_entity
group by name, label
order by articles desc, mentions desc, name;
