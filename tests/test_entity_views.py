"""Entities in the warehouse: the seed story's people and places, counted as users query them."""

from __future__ import annotations


def test_seed_story_people_lead_coverage_by_entity(run_ingest, seed_drop, query):
    run_ingest(seed_drop)
    top = query(
        "select name, label from coverage_by_entity "
        "where articles = (select max(articles) from coverage_by_entity)"
    )
    assert query("select max(articles) from coverage_by_entity") == [(5,)]
    assert {("Kim Jong Un", "PERSON"), ("Vladimir Putin", "PERSON")} <= set(top)
    assert query("select label, articles from coverage_by_entity where name = 'North Korea'") == [
        ("GPE", 5)
    ]
    (shoigu,) = query("select articles from coverage_by_entity where name = 'Sergei Shoigu'")
    assert shoigu[0] >= 4


def test_each_article_lists_an_entity_once_under_one_name(run_ingest, seed_drop, query):
    run_ingest(seed_drop)
    doubled = "select article_id, name from entities group by all having count(*) > 1"
    assert query(f"select count(*) from ({doubled})") == [(0,)]
    for alias in ("Kim", "Putin", "North Korea’s", "U.S.", "Usha Vance", "Blue Bloods"):
        assert query(f"select count(*) from entities where name = '{alias}'") == [(0,)]


def test_entity_views_answer_by_date_and_cooccurrence(run_ingest, seed_drop, query):
    run_ingest(seed_drop)
    pair = query(
        "select articles from entity_cooccurrence "
        "where name_a = 'Kim Jong Un' and name_b = 'Vladimir Putin'"
    )
    assert pair == [(5,)]
    dated = query(
        "select published_date::varchar, articles from entity_by_date "
        "where name = 'Kim Jong Un' and published_date is not null order by 1"
    )
    assert sum(n for _, n in dated) == 3  # 001 prints no date; 003's only date is its menu's
