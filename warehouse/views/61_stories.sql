-- One row per news story (event): its headline (the earliest article's), first publication,
-- articles, distinct outlets, and copies (articles that repeat another's text).
create or replace view stories as
select
    a.story_id,
    arg_min(a.title, coalesce(a.published_at, a.ingested_at)) as headline,
    min(a.published_at) filter (where not c.date_suspect) as first_published,
    count(*) as articles,
    count(distinct coalesce(a.outlet_domain, a.outlet)) as outlets,
    count(*) - count(distinct a.copy_group) as copies,
    list(distinct a.wire) filter (where a.wire is not null) as wires
from articles a
join copies c using (article_id)
where a.story_id is not null
group by a.story_id
order by articles desc, first_published;
