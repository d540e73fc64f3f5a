-- Pairs of entities named in the same articles (each pair once, name_a < name_b).
-- An article names an entity once (one entities row per article and name) and article_id is
-- the key of articles, so each pair row is another article: count(*) counts them, without a
-- distinct aggregate over tens of millions of pair rows. `named` is inlined (not materialized)
-- so a filter on name_a still reaches the entities scan.
create or replace view entity_cooccurrence as
with named as not materialized (
    select e.article_id, e.name, e.label, a.published_date
    from entities e
    join articles a using (article_id)
)
select
    a.name as name_a,
    a.label as label_a,
    b.name as name_b,
    b.label as label_b,
    count(*) as articles,
    min(a.published_date) as first_published,
    max(a.published_date) as last_published
from named a
join entities b on b.article_id = a.article_id and a.name < b.name
group by a.name, a.label, b.name, b.label
order by articles desc, name_a, name_b;
