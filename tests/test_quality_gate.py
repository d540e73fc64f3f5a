"""The quality gate: extraction on eval/corpus never drops below the floors in eval/baseline.json.

Raise a floor when extraction gets better (`make pin`); never lower one to make a change pass.
"""

from __future__ import annotations

import json
from pathlib import Path

from presswatch.evaluate import below_floors, evaluate, floors_of

EVAL = Path(__file__).parent.parent / "eval"


def test_extraction_meets_the_pinned_floors(prefect_server):
    floors = json.loads((EVAL / "baseline.json").read_text())
    figures = evaluate(EVAL / "corpus")
    assert below_floors(figures, floors) == {}


def test_floors_round_down_and_leave_speed_out():
    figures = {"body F1, html": 0.9769, "pages/second, html": 12.0}
    assert floors_of(figures) == {"body F1, html": 0.97}
    assert below_floors({"body F1, html": 0.96}, {"body F1, html": 0.97}) == {
        "body F1, html": (0.96, 0.97)
    }
