-- Articles, stories and outlets per publication day (NULL: the article gives no date), from
-- the rollups (an outlet is its domain, else its name).
create or replace view coverage_by_date as
select
    published_date,
    sum(articles)::bigint as articles,
    sum(stories)::bigint as stories,
    sum(outlets)::bigint as outlets
from rollup_date
group by published_date
order by published_date nulls last;
