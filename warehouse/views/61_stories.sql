-- One row per news story (event): its headline (the earliest article's), first publication,
-- articles, distinct outlets, and copies (articles that repeat another's text). As in copies,
-- only articles in a copy group count, and a copy dated over 2 days after its group's earliest
-- is date_suspect; here that earliest date is joined per copy group, which is cheaper than
-- joining the copies view (a window over every article) back to articles.
create or replace view stories as
with earliest as (
    select copy_group, min(published_at) as published_at
    from articles
    where copy_group is not null
    group by copy_group
)
select
    a.story_id,
    arg_min(a.title, coalesce(a.published_at, a.ingested_at)) as headline,
    min(a.published_at) filter (
        where not coalesce(a.published_at > g.published_at + interval 2 day, false)
    ) as first_published,
    count(*) as articles,
    count(distinct coalesce(a.outlet_domain, a.outlet)) as outlets,
    count(*) - count(distinct a.copy_group) as copies,
    list(distinct a.wire) filter (where a.wire is not null) as wires
from articles a
join earliest g using (copy_group)
where a.story_id is not null
group by a.story_id
order by articles desc, first_published;
