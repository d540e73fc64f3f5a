-- Articles, stories and outlets naming each entity, with first and last publication day.
create or replace view coverage_by_entity as
select
    e.name,
    e.label,
    count(distinct a.article_id) as articles,
    count(distinct coalesce(a.story_id, a.article_id)) as stories,
    count(distinct coalesce(a.outlet_domain, a.outlet)) as outlets,
    sum(e.mentions) as mentions,
    min(a.published_date) as first_published,
    max(a.published_date) as last_published
from entities e
join articles a using (article_id)
group by e.name, e.label
order by articles desc, mentions desc, e.name;
