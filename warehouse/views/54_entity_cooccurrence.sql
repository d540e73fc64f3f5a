-- Pairs of entities named in the same articles, from the rollups. entity_pairs has each pair
-- both ways round, sorted by name in each file: `where name = '...'` reads one entity's few
-- row groups. entity_cooccurrence lists each pair once (name_a < name_b).
create or replace view entity_pairs as
select
    name,
    label,
    other,
    other_label,
    sum(articles)::bigint as articles,
    min(first_published) as first_published,
    max(last_published) as last_published
from rollup_pairs
group by name, label, other, other_label
order by name, articles desc, other;

create or replace view entity_cooccurrence as
select
    name as name_a,
    label as label_a,
    other as name_b,
    other_label as label_b,
    sum(articles)::bigint as articles,
    min(first_published) as first_published,
    max(last_published) as last_published
from rollup_pairs
where name < other
group by name, label, other, other_label
order by articles desc, name_a, name_b;
