-- One row per news story (event): its headline (the earliest article's title; of equally early
-- ones, any), first publication, articles, distinct outlets, and copies (articles that repeat
-- another's text: articles less copy groups). Only articles in a copy group count. Read from the
-- rollups: an outlet and a copy group count once, in the batch that first brought them to the
-- story. first_published is the story's earliest date: a copy group's earliest member is never
-- date_suspect, so leaving suspect copies out changes no minimum.
create or replace view stories as
select
    story_id,
    arg_min(headline, headline_at) as headline,
    min(first_published) as first_published,
    sum(articles)::bigint as articles,
    sum(outlets)::bigint as outlets,
    (sum(articles) - sum(copy_groups))::bigint as copies,
    nullif(list_sort(list_distinct(flatten(list(wires)))), []) as wires
from rollup_story
group by story_id
order by articles desc, first_published;
