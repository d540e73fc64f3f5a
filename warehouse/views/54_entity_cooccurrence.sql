-- Pairs of entities named in the same articles (each pair once, name_a < name_b).
create or replace view entity_cooccurrence as
select
    a.name as name_a,
    a.label as label_a,
    b.name as name_b,
    b.label as label_b,
    count(distinct a.article_id) as articles,
    min(art.published_date) as first_published,
    max(art.published_date) as last_published
from entities a
join entities b on a.article_id = b.article_id and a.name < b.name
join articles art on art.article_id = a.article_id
group by a.name, a.label, b.name, b.label
order by articles desc, name_a, name_b;
