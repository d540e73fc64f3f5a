-- Keyword search over titles and bodies, from the terms index. A query is words and "quoted
-- phrases", all required; a leading minus excludes one (-sports, -"world cup"). Words are split
-- as presswatch/search/terms.py splits text: letters and digits, lower-cased, so "COVID-19" is
-- the phrase covid 19. Macros: search_matches(q), the matching article_ids and their scores;
-- search_articles(q), the articles best first; attention(q) and attention_by_day(q), articles
-- and stories per day (and outlet): a copy of a story on another site is another article, not
-- another story.

-- The parts of a query, each a list of words.
create or replace macro search_parts(q) as table
select
    row_number() over () as part,
    starts_with(token, '-') as excluded,
    regexp_extract_all(lower(nfc_normalize(token)), '[\pL\pN]+') as words
from (select unnest(regexp_extract_all(q, '-?"[^"]*"|[^\s"]+')) as token)
where len(regexp_extract_all(lower(nfc_normalize(token)), '[\pL\pN]+')) > 0;

-- The index rows of every word of the query, with the word's place in its part.
create or replace macro search_hits(q) as table
with words as (
    select part, excluded, len(words) as size, unnest(words) as term,
        unnest(generate_series(0, len(words) - 1)) as place
    from search_parts(q)
)
select
    w.part, w.excluded, w.size, w.place, t.term, t.article_id, t.tf, t.title_tf, t.positions,
    t.word_count
from words w
join terms t on t.term = w.term
where t.term in (select term from words);

-- Articles that hold every required part and no excluded one, with their score: BM25 (k1 1.2,
-- b 0.75) over the required words, headline words counting three times. A phrase's words must
-- follow each other: some start s has word i of the phrase at position s + i, for every i.
create or replace macro search_matches(q) as table
with hits as materialized (from search_hits(q)),
holding as (  -- per phrase, the articles that hold all of its words, wherever
    select part, article_id
    from hits
    where size > 1
    group by part, article_id
    having count(distinct place) = any_value(size)
),
part_hits as (
    select distinct part, excluded, article_id from hits where size = 1
    union all
    select part, any_value(excluded), article_id
    from (
        select
            h.part, h.excluded, h.size, h.place, h.article_id,
            unnest(h.positions) - h.place as start
        from hits h
        semi join holding using (part, article_id)
        where h.size > 1
    )
    group by part, article_id, start
    having count(distinct place) = any_value(size)
),
required as (select count(*) as parts from search_parts(q) where not excluded),
matched as materialized (
    select article_id
    from (select distinct part, excluded, article_id from part_hits)
    group by article_id
    having count(*) filter (where not excluded) = (select parts from required)
        and count(*) filter (where excluded) = 0
        and (select parts from required) > 0
),
df as (select term, count(distinct article_id) as df from hits where not excluded group by term),
corpus as (select count(*) as n, avg(word_count) as mean_words from articles),
weighted as (
    select
        h.article_id, h.term, any_value(d.df) as df, sum(h.tf + 2 * h.title_tf) as tf,
        coalesce(any_value(h.word_count), 0) as words
    from hits h
    join df d using (term)
    where not h.excluded and h.article_id in (select article_id from matched)
    group by h.article_id, h.term
)
select
    w.article_id,
    sum(
        ln(1 + (c.n - w.df + 0.5) / (w.df + 0.5)) * w.tf * 2.2
        / (w.tf + 1.2 * (0.25 + 0.75 * w.words / greatest(c.mean_words, 1)))
    ) as score
from weighted w
cross join corpus c
group by w.article_id;

-- The `top` matching articles (100 unless given: search_articles(q, top := 1000)), best first.
-- Only they are joined to articles: fetching titles and URLs of every match costs more than
-- the search.
create or replace macro search_articles(q, top := 100) as table
with best as (
    select article_id, score from search_matches(q) order by score desc, article_id limit top
)
select
    a.article_id, b.score, a.title, a.outlet_domain, a.outlet, a.published_date, a.story_id, a.url
from best b
join articles a using (article_id)
order by b.score desc, a.article_id;

-- Attention to a query per day and outlet: matching articles, and the stories they tell.
create or replace macro attention(q) as table
select
    a.published_date,
    a.outlet_domain,
    a.outlet,
    count(*) as articles,
    count(distinct coalesce(a.story_id, a.article_id)) as stories
from articles a
where a.article_id in (select article_id from search_matches(q))
group by a.published_date, a.outlet_domain, a.outlet
order by a.published_date nulls last, articles desc, a.outlet_domain nulls last;

-- ... and per day over every outlet (a story told by two outlets counts once).
create or replace macro attention_by_day(q) as table
select
    a.published_date,
    count(*) as articles,
    count(distinct coalesce(a.story_id, a.article_id)) as stories,
    count(distinct coalesce(a.outlet_domain, a.outlet)) as outlets
from articles a
where a.article_id in (select article_id from search_matches(q))
group by a.published_date
order by a.published_date nulls last;
