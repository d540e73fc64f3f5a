-- Articles and stories per outlet. An article not yet grouped into a story counts as its own.
-- Read from the rollups: a story counts once, in the batch that first brought it to the outlet.
create or replace view coverage_by_outlet as
select
    outlet_domain,
    outlet,
    sum(articles)::bigint as articles,
    sum(stories)::bigint as stories,
    min(first_published) as first_published,
    max(last_published) as last_published
from rollup_outlet
group by outlet_domain, outlet
order by articles desc, outlet_domain nulls last, outlet nulls last;
