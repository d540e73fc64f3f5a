-- Articles and stories per outlet. An article not yet grouped into a story counts as its own.
create or replace view coverage_by_outlet as
select
    outlet_domain,
    outlet,
    count(*) as articles,
    count(distinct coalesce(story_id, article_id)) as stories,
    min(published_date) as first_published,
    max(published_date) as last_published
from articles
group by outlet_domain, outlet
order by articles desc, outlet_domain nulls last, outlet nulls last;
