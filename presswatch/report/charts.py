"""Report charts: SVG drawn in Python from plain data, so the page shows them with no script.

In: rows as presswatch.report.queries returns them. Out: HTML strings (a <figure> each). Every
mark that stands for a number carries it in data-* attributes and a <title> tooltip; all text
from the data is escaped.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from html import escape

from presswatch.report.queries import OTHER, UNKNOWN

# Tableau 10's first eight: distinct, colour-blind friendly, and quiet beside grey.
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")
OTHER_COLOUR = "#c9c4bf"
UNKNOWN_COLOUR = "#8d8d8d"
REASON_COLOUR = "#b5524a"
# The day chart, in viewBox units (about pixels at the page's width of 960).
WIDTH, PLOT_HEIGHT = 960, 224
LEFT, RIGHT, TOP = 48, 12, 14
BOTTOM, BOTTOM_SLANTED = 30, 62  # room for the day labels, level or slanted
MAX_BAR = 36  # a bar's widest, when few days share the axis
LABEL_SPACING = 24  # least distance between two day labels
ROTATE_BELOW = 70  # day labels are slanted when days are narrower than this
# The quarantine chart.
REASON_ROW, REASON_LABEL, REASON_VALUE = 26, 190, 56
# A sparkline: fixed pixels, it sits in a table cell.
SPARK_WIDTH, SPARK_HEIGHT = 160, 26
SPARK_BAR = 6  # a sparkline bar's widest: with few days it stays a line, not blocks


def figure(chart: str, body: str, caption: str) -> str:
    """A chart's figure: tests and scripts find charts by data-chart."""
    return (
        f'<figure data-chart="{escape(chart)}">{body}'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def outlet_colours(outlets: list[str]) -> dict[str, str]:
    """A palette colour per named outlet in order; greys for OTHER and UNKNOWN."""
    palette = iter(PALETTE)
    fixed = {OTHER: OTHER_COLOUR, UNKNOWN: UNKNOWN_COLOUR}
    return {o: fixed[o] if o in fixed else next(palette, OTHER_COLOUR) for o in outlets}


def nice_ticks(top: int, count: int = 5) -> list[int]:
    """0 and whole round steps up to at least `top` (13 -> 0, 5, 10, 15)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = max(1, int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)))
    return list(range(0, math.ceil(top / step) * step + 1, step))


def articles_per_day(
    days: list[date], outlets: list[str], outlet_days: list[dict], story_days: list[dict]
) -> str:
    """Stacked bars of articles per day by outlet, with stories per day as a line over them."""
    if not days:
        return _nothing("articles-per-day", "No article has a publication date yet.")
    counts = {(r["day"], r["outlet"]): r["articles"] for r in outlet_days}
    stories = {r["day"]: r["stories"] for r in story_days}
    ticks = nice_ticks(max(sum(counts.get((d, o), 0) for o in outlets) for d in days))
    band = (WIDTH - LEFT - RIGHT) / len(days)
    baseline = TOP + PLOT_HEIGHT
    height = baseline + (BOTTOM_SLANTED if _label_step(band)[1] else BOTTOM)

    def y(value: float) -> float:
        return TOP + PLOT_HEIGHT * (1 - value / ticks[-1])

    def x(index: int) -> float:  # the centre of a day's band
        return LEFT + band * (index + 0.5)

    colours = outlet_colours(outlets)
    parts = [_svg(WIDTH, height, "Articles per day by outlet, and stories per day")]
    parts += _y_axis(ticks, y, "articles")
    parts += _gap_marks(days, band, baseline)
    parts += _stacked_bars(days, outlets, counts, colours, min(band * 0.72, MAX_BAR), x, y)
    parts += _story_line(days, stories, x, y)
    parts += _day_labels(days, band, x, baseline)
    parts.append("</svg>")
    legend = []
    for outlet in outlets:
        total = sum(counts.get((day, outlet), 0) for day in days)
        legend.append(
            f'<li {data_attrs(outlet=outlet, value=total)}><i style="background:'
            f'{colours[outlet]}"></i>{escape(outlet)} <span class="n">{total}</span></li>'
        )
    legend.append('<li class="line"><i></i>stories (one per story and day)</li>')
    caption = (
        f"Articles per publication day by outlet, {plural(len(days), 'day')} with articles "
        f"from {days[0]:%d %b %Y} to {days[-1]:%d %b %Y}; the line counts stories, a story "
        "told by several articles once. Dashed lines: days with no articles, left out."
    )
    body = "".join(parts) + f'<ul class="legend">{"".join(legend)}</ul>'
    return figure("articles-per-day", body, caption)


def reason_bars(reasons: list[dict]) -> str:
    """Horizontal bars of quarantined records per reason code."""
    if not reasons:
        return _nothing("quarantine-reasons", "Nothing quarantined.")
    top = max(r["records"] for r in reasons)
    length = WIDTH - REASON_LABEL - REASON_VALUE
    height = REASON_ROW * len(reasons) + 8
    parts = [_svg(WIDTH, height, "Quarantined records per reason")]
    for i, row in enumerate(reasons):
        reason, n = row["reason"], row["records"]
        y, width = 4 + i * REASON_ROW, max(length * n / top, 1)
        middle = y + REASON_ROW / 2
        tip = f"{reason}: {plural(n, 'record')}"
        parts.append(
            f'<text class="label" x="{REASON_LABEL - 10}" y="{middle:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(reason)}</text>'
            f'<rect x="{REASON_LABEL}" y="{y + 4:.1f}" width="{width:.1f}" '
            f'height="{REASON_ROW - 8}" fill="{REASON_COLOUR}" '
            f"{data_attrs(reason=reason, value=n)}><title>{escape(tip)}</title></rect>"
            f'<text class="value" x="{REASON_LABEL + width + 6:.1f}" y="{middle:.1f}" '
            f'dominant-baseline="middle">{n}</text>'
        )
    parts.append("</svg>")
    caption = "Quarantined records per reason code (a record failing two rules counts twice)."
    return figure("quarantine-reasons", "".join(parts), caption)


def sparkline(days: list[date], counts: dict[date, int], entity: str) -> str:
    """Articles naming one entity per day of the day axis, as tiny bars on a baseline."""
    if not days:
        return ""
    band = SPARK_WIDTH / len(days)
    width = min(max(band * 0.8, 1), SPARK_BAR)
    top = max(counts.values(), default=0) or 1
    parts = [
        f'<svg class="spark" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" role="img" '
        f'aria-label="{escape(entity)}: articles per day">'
        f'<line x1="0" x2="{SPARK_WIDTH}" y1="{SPARK_HEIGHT - 0.5}" y2="{SPARK_HEIGHT - 0.5}"/>'
    ]
    for i, day in enumerate(days):
        n = counts.get(day, 0)
        if not n:
            continue
        height = (SPARK_HEIGHT - 2) * n / top
        tip = f"{entity}, {day:%d %b %Y}: {plural(n, 'article')}"
        parts.append(
            f'<rect x="{(i + 0.5) * band - width / 2:.2f}" y="{SPARK_HEIGHT - 1 - height:.2f}" '
            f'width="{width:.2f}" height="{height:.2f}" '
            f"{data_attrs(entity=entity, day=day, value=n)}><title>{escape(tip)}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _svg(width: int, height: int, label: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-label="{escape(label)}">'
    )


def _y_axis(ticks: list[int], y, title: str) -> list[str]:
    parts = []
    for tick in ticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
            f'y2="{y(tick):.1f}"/><text class="tick" x="{LEFT - 8}" y="{y(tick):.1f}" '
            f'text-anchor="end" dominant-baseline="middle">{tick}</text>'
        )
    middle = TOP + PLOT_HEIGHT / 2
    parts.append(
        f'<text class="axis-title" transform="translate(12 {middle:.1f}) rotate(-90)" '
        f'text-anchor="middle">{escape(title)}</text>'
    )
    return parts


def _gap_marks(days: list[date], band: float, baseline: float) -> list[str]:
    """A dashed line between two days that have days without articles between them."""
    parts = []
    for i in range(1, len(days)):
        skipped = (days[i] - days[i - 1]).days - 1
        if skipped <= 0:
            continue
        x = LEFT + band * i
        tip = (
            f"no articles from {days[i - 1] + timedelta(days=1):%d %b %Y} "
            f"to {days[i] - timedelta(days=1):%d %b %Y} ({plural(skipped, 'day')})"
        )
        parts.append(
            f'<line class="gap" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{baseline}" '
            f"{data_attrs(skipped_days=skipped)}><title>{escape(tip)}</title></line>"
        )
    return parts


def _stacked_bars(
    days: list[date],
    outlets: list[str],
    counts: dict[tuple[date, str], int],
    colours: dict[str, str],
    width: float,
    x,
    y,
) -> list[str]:
    """A bar per day and outlet, stacked in series order: the largest outlet at the bottom."""
    parts = []
    for i, day in enumerate(days):
        base = 0
        for outlet in outlets:
            n = counts.get((day, outlet), 0)
            if not n:
                continue
            top, bottom = y(base + n), y(base)
            tip = f"{outlet}, {day:%d %b %Y}: {plural(n, 'article')}"
            parts.append(
                f'<rect x="{x(i) - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
                f'height="{bottom - top:.1f}" fill="{colours[outlet]}" '
                f"{data_attrs(outlet=outlet, day=day, value=n)}><title>{escape(tip)}</title></rect>"
            )
            base += n
    return parts


def _story_line(days: list[date], stories: dict[date, int], x, y) -> list[str]:
    """Stories per day: a line through consecutive days (broken at skipped days) and dots."""
    parts, run = [], []
    for i, day in enumerate(days):
        if run and (day - days[i - 1]).days > 1:
            parts.append(_polyline(run))
            run = []
        run.append((x(i), y(stories.get(day, 0))))
    parts.append(_polyline(run))
    for i, day in enumerate(days):
        n = stories.get(day, 0)
        tip = f"{day:%d %b %Y}: {plural(n, 'story', 'stories')}"
        attrs = data_attrs(series="stories", day=day, value=n)
        parts.append(
            f'<circle class="story" cx="{x(i):.1f}" cy="{y(n):.1f}" r="3.2" {attrs}>'
            f"<title>{escape(tip)}</title></circle>"
        )
    return parts


def _polyline(points: list[tuple[float, float]]) -> str:
    if len(points) < 2:
        return ""
    coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    return f'<polyline class="story" points="{coords}"/>'


def _day_labels(days: list[date], band: float, x, baseline: float) -> list[str]:
    """Every few days' date; the year on the first label and where it changes."""
    step, slant = _label_step(band)
    parts, year = [], None
    for i in range(0, len(days), step):
        day = days[i]
        text = f"{day.day} {day:%b}" + (f" {day.year}" if day.year != year else "")
        year = day.year
        if slant:
            place = f'transform="translate({x(i):.1f} {baseline + 12:.1f}) rotate(-40)" '
            place += 'text-anchor="end"'
        else:
            place = f'x="{x(i):.1f}" y="{baseline + 16:.1f}" text-anchor="middle"'
        parts.append(f'<text class="tick" {place}>{escape(text)}</text>')
    return parts


def _label_step(band: float) -> tuple[int, bool]:
    """Label every `step`-th day; slanted when the labels are close together."""
    step = max(1, math.ceil(LABEL_SPACING / band))
    return step, band * step < ROTATE_BELOW


def _nothing(chart: str, message: str) -> str:
    return f'<p class="empty" data-empty-chart="{escape(chart)}">{escape(message)}</p>'


def data_attrs(**values: object) -> str:
    """data-* attributes (underscores become dashes), escaped."""
    return " ".join(f'data-{k.replace("_", "-")}="{escape(str(v))}"' for k, v in values.items())


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"
