"""Report page: one self-contained HTML file from a ReportData (inline CSS, SVG, a tiny script).

Opens with no network: no fonts, scripts or styles from elsewhere. The script only records each
chart's laid-out size on its figure; the page reads the same without it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

from presswatch.report.charts import (
    articles_per_day,
    data_attrs,
    figure,
    plural,
    reason_bars,
    sparkline,
)
from presswatch.report.queries import ReportData

STORY_BAR = 80  # pixels of the largest story's bar in the stories table

STYLE = """
:root { --ink: #222; --muted: #6b6b6b; --rule: #e4e4e4; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f6f4; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 22px; font-weight: 600; margin: 0 0 4px; }
h2 { font-size: 16px; font-weight: 600; margin: 0 0 12px; }
.meta { color: var(--muted); margin: 0; }
section { background: #fff; border: 1px solid var(--rule); border-radius: 6px;
  padding: 18px 22px; margin-top: 18px; }
figure { margin: 0; }
figure > svg { display: block; width: 100%; height: auto; }
figcaption, .note { color: var(--muted); font-size: 12.5px; margin-top: 8px; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; }
.stat { border-left: 3px solid var(--accent); padding: 2px 10px; }
.stat.warn { border-left-color: #e15759; }
.stat.wide { grid-column: span 2; }
.stat .v { display: block; font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat .k { color: var(--muted); font-size: 12px; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0;
  margin: 10px 0 0; font-size: 12.5px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 6px; vertical-align: -1px; }
.legend .line i { width: 14px; height: 2px; background: #222; vertical-align: 3px; }
.legend .n { color: var(--muted); font-variant-numeric: tabular-nums; }
svg text { font-size: 11px; fill: var(--muted); }
svg text.label, svg text.value { font-size: 12.5px; fill: var(--ink); }
svg .grid { stroke: #ececec; }
svg .gap { stroke: #b4b4b4; stroke-dasharray: 3 3; }
svg polyline.story { fill: none; stroke: #222; stroke-width: 1.5; }
svg circle.story { fill: #222; stroke: #fff; stroke-width: 1; }
.spark { display: block; }
.spark line { stroke: #cfcfcf; }
.spark rect { fill: var(--accent); }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; font-weight: 600; font-size: 12px; color: var(--muted);
  border-bottom: 1px solid var(--rule); padding: 6px 8px; }
td { border-bottom: 1px solid #f0f0f0; padding: 5px 8px; vertical-align: middle; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tag { font-size: 11px; padding: 1px 6px; border-radius: 3px; background: #eef1f5; color: #445; }
.bar { display: inline-block; height: 8px; background: var(--accent); border-radius: 2px;
  margin-right: 6px; }
.sub, .outlets { color: var(--muted); font-size: 12px; }
.empty { color: var(--muted); font-style: italic; }
code { font-size: 12.5px; background: #f0f0ee; padding: 1px 4px; border-radius: 3px; }
"""

NOTHING_YET = (
    '<p class="empty">No file has been ingested into this data directory yet. Run '
    "<code>presswatch ingest DROP --data DIR</code>, then report again.</p>"
)

# Records each chart's laid-out size, so a headless browser's DOM dump proves layout happened.
SCRIPT = """
for (const figure of document.querySelectorAll("figure[data-chart]")) {
  const box = (figure.querySelector("svg, table") || figure).getBoundingClientRect();
  figure.dataset.renderedWidth = Math.round(box.width);
  figure.dataset.renderedHeight = Math.round(box.height);
}
"""


def render_page(report: ReportData) -> str:
    """The whole page: freshness first (is the lake current?), then the coverage."""
    if report.empty:
        body = [freshness_section(report), _section("nothing-yet", "Nothing yet", NOTHING_YET)]
    else:
        body = [
            freshness_section(report),
            _section("per-day", "Articles and stories per day", days_body(report)),
            _section("entities", "Top entities", entities_table(report)),
            _section("stories", "Largest stories", stories_table(report)),
            _section("quarantine", "Quarantine", reason_bars(report.reasons)),
        ]
    title = "presswatch coverage report"
    meta = (
        f"{escape(str(report.database.parent.resolve()))} · generated "
        f"{_timestamp(report.generated_at)}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style></head>"
        f'<body><main data-state="{"empty" if report.empty else "report"}">'
        f'<header><h1>{title}</h1><p class="meta">{meta}</p></header>'
        f"{''.join(body)}</main><script>{SCRIPT}</script></body></html>\n"
    )


def freshness_section(report: ReportData) -> str:
    """When the last ingest ran, what is still to come, and what the lake holds."""
    f = report.freshness
    if f.last_ingest is None:
        stats = [_stat("last-ingest", "", "last ingest", shown="never")]
    else:
        age = _age(report.generated_at - f.last_ingest)
        shown = f"{f.last_ingest:%d %b %H:%M}"
        label = f"last ingest (UTC), {age} ago"
        stats = [_stat("last-ingest", f.last_ingest.isoformat(), label, shown=shown)]
    stats.append(_stat("in-progress", f.in_progress, "streams in progress", warn=f.in_progress))
    if f.waiting is not None:
        label = "files waiting in the drop folder"
        stats.append(_stat("waiting", f.waiting, label, warn=f.waiting))
    stats += [
        _stat("files", f.files, f"files ingested ({f.duplicates} duplicates)"),
        _stat("articles", f.articles, "articles"),
        _stat("stories", f.stories, "stories"),
        _stat("outlets", f.outlets, "outlets"),
        _stat("quarantined", f.quarantined, "quarantined records", warn=f.quarantined),
    ]
    if f.first_published is not None:
        span = f"{f.first_published:%d %b %Y} – {f.last_published:%d %b %Y}"
        value = f"{f.first_published}/{f.last_published}"  # an ISO 8601 interval
        label = f"published ({f.undated} undated)"
        stats.append(_stat("published", value, label, shown=span, wide=True))
    return _section("freshness", "Freshness", f'<div class="stats">{"".join(stats)}</div>')


def days_body(report: ReportData) -> str:
    chart = articles_per_day(report.days, report.outlets, report.outlet_days, report.story_days)
    f = report.freshness
    shown = sum(row["articles"] for row in report.outlet_days)
    earlier = f.articles - f.undated - shown
    notes = []
    if earlier:
        notes.append(f"{earlier} published before {report.days[0]:%d %b %Y}")
    if f.undated:
        notes.append(f"{f.undated} with no publication date")
    note = f'<p class="note">Not on this chart: {"; ".join(notes)}.</p>' if notes else ""
    return chart + note


def entities_table(report: ReportData) -> str:
    """The top entities with their counts and a sparkline over the chart's days."""
    if not report.entities:
        return '<p class="empty">No entities yet (they come from English articles).</p>'
    per_day: dict[tuple[str, str], dict[date, int]] = {}
    for row in report.entity_days:
        per_day.setdefault((row["name"], row["label"]), {})[row["day"]] = row["articles"]
    rows = []
    for e in report.entities:
        counts = per_day.get((e["name"], e["label"]), {})
        counted = {k: e[k] for k in ("articles", "stories", "outlets")}
        attrs = data_attrs(entity=e["name"], label=e["label"], **counted)
        rows.append(
            f"<tr {attrs}><td>{escape(e['name'])}</td>"
            f'<td><span class="tag">{escape(e["label"])}</span></td>'
            f'<td class="num">{e["articles"]}</td><td class="num">{e["stories"]}</td>'
            f'<td class="num">{e["outlets"]}</td>'
            f"<td>{sparkline(report.days, counts, e['name'])}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>entity</th><th>label</th><th class='num'>articles</th>"
        "<th class='num'>stories</th><th class='num'>outlets</th><th>articles per day</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    caption = (
        "Entities named by the most articles; the trend covers the same days as the chart above, "
        "each scaled to its own busiest day."
    )
    return figure("top-entities", table, caption)


def stories_table(report: ReportData) -> str:
    """The stories told by the most articles, with the outlets that ran them."""
    if not report.stories:
        return '<p class="empty">No stories yet.</p>'
    top = max(s["articles"] for s in report.stories)
    rows = []
    for s in report.stories:
        outlets = ", ".join(
            escape(name) + (f" ({n})" if n > 1 else "") for name, n in s["outlet_list"]
        )
        extra = [plural(s["copies"], "copy", "copies")] if s["copies"] else []
        extra += [escape(", ".join(s["wires"]))] if s["wires"] else []
        sub = f'<div class="sub">{" · ".join(extra)}</div>' if extra else ""
        bar = f'<span class="bar" style="width:{STORY_BAR * s["articles"] / top:.0f}px"></span>'
        published = f"{s['first_published']:%d %b %Y}" if s["first_published"] else "undated"
        attrs = data_attrs(
            story=s["story_id"], value=s["articles"], outlets=s["outlets"], copies=s["copies"]
        )
        rows.append(
            f"<tr {attrs}><td>{escape(s['headline'] or '(no headline)')}{sub}</td>"
            f'<td class="num">{bar}{s["articles"]}</td>'
            f'<td class="outlets">{outlets or "unknown"}</td>'
            f'<td class="num">{published}</td></tr>'
        )
    table = (
        "<table><thead><tr><th>headline</th><th class='num'>articles</th><th>outlets</th>"
        f"<th class='num'>first published</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    caption = "Stories (one event, any wording) by number of articles; copies repeat a text."
    return figure("largest-stories", table, caption)


def _section(name: str, title: str, body: str) -> str:
    return f'<section data-section="{name}"><h2>{escape(title)}</h2>{body}</section>'


def _stat(
    metric: str,
    value: object,
    label: str,
    warn: object = False,
    shown: object = None,
    wide: bool = False,
) -> str:
    """A headline number: `value` machine-readable, `shown` (default: value) for people."""
    classes = "stat" + " warn" * bool(warn) + " wide" * wide
    text = value if shown is None else shown
    return (
        f'<div class="{classes}" {data_attrs(metric=metric, value=value)}>'
        f'<span class="v">{escape(str(text))}</span><span class="k">{escape(label)}</span></div>'
    )


def _timestamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _age(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"
