-- Articles and stories naming each entity, per publication day. Each joined row is another
-- article (see coverage_by_entity), so count(*) counts articles.
create or replace view entity_by_date as
select
    e.name,
    e.label,
    a.published_date,
    count(*) as articles,
    count(distinct coalesce(a.story_id, a.article_id)) as stories,
    count(distinct coalesce(a.outlet_domain, a.outlet)) as outlets
from entities e
join articles a using (article_id)
group by e.name, e.label, a.published_date
order by a.published_date nulls last, articles desc, e.name;
