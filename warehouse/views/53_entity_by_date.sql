-- Articles and stories naming each entity, per publication day.
create or replace view entity_by_date as
select
    e.name,
    e.label,
    a.published_date,
    count(distinct a.article_id) as articles,
    count(distinct coalesce(a.story_id, a.article_id)) as stories,
    count(distinct coalesce(a.outlet_domain, a.outlet)) as outlets
from entities e
join articles a using (article_id)
group by e.name, e.label, a.published_date
order by a.published_date nulls last, articles desc, e.name;
