-- Articles, stories and outlets per publication day (NULL: the article gives no date).
create or replace view coverage_by_date as
select
    published_date,
    count(*) as articles,
    count(distinct coalesce(story_id, article_id)) as stories,
    count(distinct coalesce(outlet_domain, outlet)) as outlets
from articles
group by published_date
order by published_date nulls last;
