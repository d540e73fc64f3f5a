-- Each article's copy group and whether it is the group's original: the wire-credited member,
-- else the earliest published, else the first ingested. Recomputed here, not stored, because a
-- copy that arrives later can be the older one.
create or replace view copies as
select
    article_id,
    copy_group,
    story_id,
    count(*) over (partition by copy_group) as group_size,
    row_number() over (
        partition by copy_group
        order by wire is null, published_at nulls last, ingested_at, article_id
    ) = 1 as is_original,
    coalesce(
        published_at > min(published_at) over (partition by copy_group) + interval 2 day, false
    ) as date_suspect
from articles
where copy_group is not null;
