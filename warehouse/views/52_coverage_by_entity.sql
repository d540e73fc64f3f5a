-- Articles, stories and outlets naming each entity, with first and last publication day.
-- An article names an entity once (one entities row per article and name) and article_id is
-- the key of articles, so each joined row is another article: count(*) counts them, without
-- a distinct aggregate over millions of (entity, article) pairs.
create or replace view coverage_by_entity as
select
    e.name,
    e.label,
    count(*) as articles,
    count(distinct coalesce(a.story_id, a.article_id)) as stories,
    count(distinct coalesce(a.outlet_domain, a.outlet)) as outlets,
    sum(e.mentions) as mentions,
    min(a.published_date) as first_published,
    max(a.published_date) as last_published
from entities e
join articles a using (article_id)
group by e.name, e.label
order by articles desc, mentions desc, e.name;
