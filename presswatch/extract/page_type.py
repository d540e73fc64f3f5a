"""Page type: whether a page is an article at all (listing, product, forum, ... pages are not).

A page is scored by a logistic regression over generic, structural features: what the page
declares (schema.org JSON-LD types, og:type, a publication date, an author), how its story reads
(length, paragraphs, sentences) and how the page is built (links, linked headings as on teaser
cards, forms, prices, code, the URL's shape). Weights live in schemas/page_type.json and come
from ``python -m presswatch.extract.page_type_fit`` (see there). Losing an article costs more
than letting a listing through, so the threshold is set to keep nearly every article.

A page that is not an article is named by its strongest sign (product, forum, listing, ...).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from functools import lru_cache
from importlib.resources import files
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

ARTICLE = "article"
WEIGHTS_FILE = "page_type.json"
CLIP = 3.0  # standardised features are bounded to this many spreads from the mean

# schema.org types, lower-cased, by what they say about the page.
LD_NEWS = {
    "newsarticle",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
}
LD_ARTICLE = LD_NEWS | {"article", "scholarlyarticle", "report", "review", "criticreview"}
LD_TECH = {"techarticle", "apireference", "softwaresourcecode", "softwareapplication"}
LD_PRODUCT = {
    "product",
    "productgroup",
    "productmodel",
    "offer",
    "aggregateoffer",
    "individualproduct",
}
LD_LIST = {"itemlist", "collectionpage", "searchresultspage", "offercatalog"}
LD_FORUM = {"discussionforumposting", "qapage", "question", "answer"}
LD_FAQ = {"faqpage"}
LD_SERVICE = {
    "service",
    "localbusiness",
    "professionalservice",
    "contactpage",
    "aboutpage",
    "event",
    "course",
    "jobposting",
    "webapplication",
    "mobileapplication",
}
# JSON-LD is read this deep into nested objects (mainEntity, itemListElement, offers ...).
# A page with a password field, or headed by an HTTP error status ("404", "Error 500"), and with
# less story than this is a log-in or an error page.
SURE_MAX_WORDS = 150
LOGIN_MAX_WORDS = 60
ERROR_TITLE = re.compile(r"^\s*(?:error\s*)?[45]\d\d\b", re.IGNORECASE)
LD_DEPTH = 3
LD_MAX_OBJECTS = 2000
# Text and elements beyond these are not looked at: the signs are all in the first part.
MAX_ELEMENTS = 60_000
MAX_TEXT_CHARS = 2_000_000
SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)]\s*$")
WORD = re.compile(r"\w+")
DATED_PATH = re.compile(r"/(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:[/-]|$)|/(?:19|20)\d{6}")
PRICE = re.compile(r"(?:[$€£¥₹]\s?\d[\d.,]*|\d[\d.,]*\s?(?:[$€£¥₹]|EUR|USD|GBP)\b)")
HEADINGS = ("h2", "h3", "h4")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
QUOTE = re.compile(r"[“”„«»]|(?<![\w])\"(?=\w)")
PLACEHOLDER = re.compile(r"\[[^\]\s]{1,40}\]")  # "[logo]", "[image]": a picture in a dump
TEXT_FIELD = re.compile(r"\[[ _]{4,}\]")  # a form field in a text-browser dump
BULLET_LINE = re.compile(r"^\s*(?:[•*·◦▪-]|\d{1,3}[.)])\s+")
DATE_WORDS = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d",
)
# Words of a page's URL path (its folders, and its last part unless that is a slug), by group.
URL_ROLES = {
    "post": {"post", "posts", "article", "articles", "blog", "blogs", "news", "story", "stories"},
    "shop": {"product", "products", "shop", "store", "buy", "cart"},
    "archive": {"category", "categories", "tag", "tags", "search", "archive", "collections"},
    "forum": {"forum", "forums", "thread", "threads", "community", "discussion", "questions"},
    "docs": {"docs", "documentation", "manual", "reference", "api", "wiki"},
    "service": {"service", "services", "solutions", "contact", "about", "pricing", "features"},
}
# Page-template classes CMSs put on <body> (WordPress, Drupal and the like), by group; a trailing
# "-" matches any class that starts so ("postid-123").
CMS_ROLES = {
    "post": {
        "single-post",
        "postid-",
        "post-template-default",
        "single-format-",
        "node-type-article",
        "page-node-type-article",
        "blog-post",
        "article-template",
        "template-article",
    },
    "page": {"page-template-default", "page-id-", "page-template-", "page-node-type-page"},
    "shop": {"single-product", "product-template-default", "template-product", "woocommerce-page"},
    "archive": {
        "archive",
        "category",
        "category-",
        "tag",
        "tag-",
        "search",
        "search-results",
        "post-type-archive",
        "tax-",
        "blog",
        "template-collection",
    },
}
TOKEN_SPLIT = re.compile(r"[^a-z]+")
DATE_TEXT = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\.?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?,?\s+(?:19|20)\d\d"
    r"|\b(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])\b"
    r"|\b(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d\d\b"
    r"|\b\d+\s+(?:hours?|days?|weeks?|months?|years?)\s+ago\b",
    re.IGNORECASE,
)
# Every DATE_TEXT form holds a year or "ago": the full pattern is tried only around these.
DATE_ANCHOR = re.compile(r"(?:19|20)\d\d|ago\b", re.IGNORECASE)
DATE_BEFORE, DATE_AFTER = 24, 14  # the longest date text before and after its anchor
FIRST_PLURAL = {"we", "our", "us", "ours"}
SECOND = {"you", "your", "yours"}
TITLE_BEFORE = 300  # page text read before and after a main heading for its dateline
TITLE_AFTER = 600
COUNTED = (
    "articles",
    "paragraphs",
    "headings",
    "linked_headings",
    "forms",
    "password",
    "inputs",
    "prices",
    "times",
    "code_blocks",
    "list_items",
    "links",
    "byline",
    "forum_marks",
    "pagination",
    "buttons",
    "cart",
)
HIDDEN = {"script", "style", "noscript", "template", "svg"}
FORUM_CLASSES = ("post-", "message", "reply", "thread", "topic")
# Sibling blocks of one kind (same tag and class) with some text: posts of a thread, cards of a
# listing (a card links somewhere and is short).
BLOCKS = {"div", "article", "section", "li", "tr", "dl", "aside"}
BLOCK_MIN_CHARS = 60
CARD_MAX_CHARS = 800
TITLES_READ = 3  # main headings (h1) whose surroundings are searched for a dateline
# "By Jane Doe" under a headline (the usual byline prefixes of a few languages).
BYLINE_TEXT = re.compile(
    r"(?:^|[\s|·•])(?:by|By|BY|por|Por|von|Von|par|Par|door|Door|av|Av)[:\s]+[A-Z][\w'’.-]+\s+[A-Z]"
)
BYLINE_LINE = re.compile(r"^\s*(?:by|por|von|par|door|av|di)\s+\w", re.IGNORECASE)


def classify_html(tree, page, body: str, url: str | None) -> str:
    """The page's type: "article", or what else it is (listing, product, forum, ...)."""
    try:
        features = html_features(tree, page, body, url)
    except Exception:  # a classifier must never take an article down with it
        logger.debug("page type features failed", exc_info=True)
        return ARTICLE
    sure = _sure_kind(features, getattr(page, "h1", None), getattr(page, "meta", {}))
    return sure or _decide("html", features)


def _sure_kind(f: dict[str, float], h1: object, meta: object) -> str | None:
    """Pages that say what they are whatever the model thinks: log-in forms and error pages."""
    if f.get("body_words", 0) >= SURE_MAX_WORDS:
        return None
    # A site-wide log-in box sits on story pages too: a log-in page has (almost) no story.
    if f.get("password", 0) and f.get("body_words", 0) < LOGIN_MAX_WORDS:
        return "login"
    title = meta.get("og:title") if isinstance(meta, dict) else None
    if any(isinstance(text, str) and ERROR_TITLE.match(text) for text in (h1, title)):
        return "error"
    return None


def classify_text(text: str, body: str, title: str | None) -> str:
    """The type of a text dump's page: "article", or what else it is."""
    try:
        features = text_features(text, body, title)
    except Exception:
        logger.debug("page type features failed", exc_info=True)
        return ARTICLE
    return _decide("text", features)


# --- model -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_weights() -> dict:
    """The fitted models by format; {} when the data file is missing (everything is kept)."""
    try:
        text = files("presswatch.schemas").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, ValueError):
        logger.warning("page type weights missing; every page is taken for an article")
        return {}


def score(kind: str, features: dict[str, float], weights: dict | None = None) -> float:
    """Log-odds that the page is NOT an article (0 when no model is fitted)."""
    model = (weights if weights is not None else load_weights()).get(kind)
    if not model:
        return 0.0
    total = model["intercept"]
    for name, mean, scale, coef in zip(
        model["features"], model["mean"], model["scale"], model["coef"], strict=True
    ):
        if name in features:  # an unknown feature (no URL) counts as an average one
            total += coef * standardise(features[name], mean, scale)
    return total


def standardise(value: float, mean: float, scale: float) -> float:
    """A feature on the model's scale, bounded: no single odd sign decides a page alone."""
    return max(-CLIP, min(CLIP, (_transform(value) - mean) / scale))


def _decide(kind: str, features: dict[str, float]) -> str:
    model = load_weights().get(kind)
    if not model or score(kind, features) <= model["threshold"]:
        return ARTICLE
    return name_kind(features)


def _transform(value: float) -> float:
    """Counts are read on a log scale: the 300th link says less than the 3rd."""
    value = float(value)
    if not math.isfinite(value):
        return 0.0
    return math.log1p(value) if value > 1 else value


def name_kind(f: dict[str, float]) -> str:
    """What a page that is not an article most likely is, by its strongest sign."""
    if f.get("password", 0) and f.get("body_words", 0) < LOGIN_MAX_WORDS:
        return "login"
    if f.get("ld_product", 0) or f.get("prices", 0) >= 3:
        return "product"
    if f.get("ld_forum", 0) or f.get("forum_marks", 0) >= 3:
        return "forum"
    if f.get("ld_tech", 0) or f.get("code_blocks", 0) >= 2:
        return "documentation"
    if f.get("ld_list", 0) or f.get("linked_headings", 0) >= 6 or f.get("bullet_share", 0) > 0.4:
        return "listing"
    return "service"


# --- HTML features -----------------------------------------------------------------------


def html_features(tree, page, body: str, url: str | None) -> dict[str, float]:
    """Structural features of an HTML page (see the module docstring)."""
    from presswatch.extract import html_metadata

    f: dict[str, float] = {}
    kinds, dated, authored = _ld_kinds(html_metadata._json_ld_objects(tree))
    has = lambda group: float(bool(kinds & group))  # noqa: E731
    f["ld_news"] = has(LD_NEWS)
    f["ld_article"] = has(LD_ARTICLE)
    f["ld_tech"] = has(LD_TECH)
    f["ld_product"] = has(LD_PRODUCT)
    f["ld_list"] = has(LD_LIST)
    f["ld_forum"] = has(LD_FORUM)
    f["ld_faq"] = has(LD_FAQ)
    f["ld_service"] = has(LD_SERVICE)
    f["ld_none"] = float(not kinds)
    f["ld_date"] = float(dated)
    f["ld_author"] = float(authored)
    meta = page.meta if isinstance(getattr(page, "meta", None), dict) else {}
    og_type = str(meta.get("og:type", "")).lower()
    f["og_article"] = float(og_type == "article" or og_type.startswith("article"))
    f["og_website"] = float(og_type == "website")
    f["og_product"] = float("product" in og_type)
    f["meta_date"] = float(
        any(key in meta for key in ("article:published_time", "datepublished", "pubdate"))
    )
    f["meta_author"] = float(any(key in meta for key in ("author", "article:author")))
    f.update(_tree_counts(tree))
    f.update(_body_features(body))
    page_words = max(f.pop("page_words"), 1.0)
    f["body_share"] = min(f["body_words"] / page_words, 1.0)
    headline = meta.get("og:title") or getattr(page, "h1", None) or ""
    f.update(_title_features(str(headline)[:1000]))
    f["meta_modified_only"] = float(
        "article:modified_time" in meta and "article:published_time" not in meta
    )
    f.update(_url_features(url or meta.get("og:url") or getattr(page, "canonical", None)))
    classes = " ".join(
        str(element.get("class") or "") + " " + str(element.get("id") or "")
        for element in (tree, tree.find(".//body"))
        if element is not None
    )
    f.update(_cms_roles(classes))
    return f


def _title_features(headline: str) -> dict[str, float]:
    """A headline reads like a sentence or a question; a page name like a label."""
    words = WORD.findall(headline)
    return {
        "title_words": float(len(words)),
        "title_lower_share": sum(w[0].islower() for w in words) / len(words) if words else 0.0,
        "title_digits": float(any(w.isdigit() for w in words)),
        "title_question": float("?" in headline),
    }


def count_dates(text: str) -> int:
    """How many dates a text prints (DATE_TEXT, looked for around years only: linear, fast)."""
    found, done = 0, -1
    for anchor in DATE_ANCHOR.finditer(text):
        if anchor.start() < done:
            continue
        start = max(anchor.start() - DATE_BEFORE, 0)
        date = DATE_TEXT.search(text, start, anchor.end() + DATE_AFTER)
        if date:
            found += 1
            done = date.end()
    return found


def _tokens(text: str) -> set[str]:
    return set(TOKEN_SPLIT.split(text.lower()[:5000])) - {""}


def _cms_roles(classes: str) -> dict[str, float]:
    names = set(classes.lower()[:5000].split())
    out = {}
    for role, marks in CMS_ROLES.items():
        exact = {m for m in marks if not m.endswith("-")}
        prefixes = tuple(m for m in marks if m.endswith("-"))
        out[f"cms_{role}"] = float(
            bool(names & exact) or any(name.startswith(prefixes) for name in names if prefixes)
        )
    return out


def _ld_kinds(objects) -> tuple[set[str], bool, bool]:
    """All JSON-LD @types (nested ones too, a few levels down), any datePublished, any author."""
    kinds: set[str] = set()
    dated = authored = False
    stack = [(item, 0) for item in objects]
    seen = 0
    while stack and seen < LD_MAX_OBJECTS:
        item, depth = stack.pop()
        seen += 1
        if isinstance(item, list):
            stack.extend((value, depth) for value in item[:200])
            continue
        if not isinstance(item, dict):
            continue
        raw = item.get("@type")
        for kind in raw if isinstance(raw, list) else [raw]:
            if isinstance(kind, str):
                kinds.add(kind.lower().rsplit("/", 1)[-1])
        dated = dated or bool(item.get("datePublished"))
        authored = authored or bool(item.get("author"))
        if depth < LD_DEPTH:
            stack.extend(
                (value, depth + 1)
                for key, value in item.items()
                if key != "@graph" and isinstance(value, dict | list)
            )
    return kinds, dated, authored


def _classes(element) -> str:
    value = element.get("class")
    return value.lower() if isinstance(value, str) else ""


def _tree_counts(tree) -> dict[str, float]:
    """Counts of telling elements, link density, and dates printed around the main headings."""
    from lxml import etree

    counts = dict.fromkeys(COUNTED, 0.0)
    pieces: list[str] = []
    size = link_chars = 0
    link_depth = skip_depth = 0
    titles: list[tuple[int, int]] = []  # where each h1's text starts and ends in the page text
    h1_start = None
    links = 0
    frames: list[list] = []  # per open element: text size and links at its start, child groups
    best_blocks = best_cards = 0
    root = tree.find(".//body")
    walk = etree.iterwalk(root if root is not None else tree, events=("start", "end"))
    for n, (event, element) in enumerate(walk):
        if n > 2 * MAX_ELEMENTS:
            break
        tag = element.tag if isinstance(element.tag, str) else ""
        hidden = tag in HIDDEN
        if event == "start":
            if hidden:
                skip_depth += 1
            if tag == "a":
                link_depth += 1
            elif tag == "h1" and len(titles) < TITLES_READ:
                h1_start = size
            if tag:
                _count(counts, element, tag)
            links += tag == "a"
            frames.append([size, links, {}])
            chunk = element.text if tag and not skip_depth else None
        else:
            start, links_before, groups = frames.pop() if frames else (size, links, {})
            for blocks, cards in groups.values():
                best_blocks, best_cards = max(best_blocks, blocks), max(best_cards, cards)
            chars = size - start
            if frames and tag in BLOCKS and chars >= BLOCK_MIN_CHARS:
                group = frames[-1][2].setdefault((tag, element.get("class")), [0, 0])
                group[0] += 1
                group[1] += links > links_before and chars <= CARD_MAX_CHARS
            if hidden:
                skip_depth -= 1
            if tag == "a":
                link_depth -= 1
            elif tag == "h1" and h1_start is not None:
                titles.append((h1_start, size))
                h1_start = None
            chunk = element.tail if not skip_depth else None
        if chunk and size < MAX_TEXT_CHARS:
            pieces.append(chunk)
            size += len(chunk)
            link_chars += len(chunk) if link_depth else 0
    text = "".join(pieces)
    counts["page_words"] = float(len(text.split()))
    counts["link_density"] = min(link_chars / size, 1.0) if size else 0.0
    counts["linked_heading_share"] = (
        counts["linked_headings"] / counts["headings"] if counts["headings"] else 0.0
    )
    counts["page_dates"] = float(count_dates(text))
    counts["repeated_blocks"] = float(best_blocks)
    counts["repeated_cards"] = float(best_cards)
    windows = [text[max(a - TITLE_BEFORE, 0) : b + TITLE_AFTER] for a, b in titles]
    counts["date_near_title"] = float(any(count_dates(w) for w in windows))
    counts["byline_near_title"] = float(any(BYLINE_TEXT.search(w) for w in windows))
    return counts


def _count(counts: dict[str, float], element, tag: str) -> None:
    cls = _classes(element)
    if tag == "p":
        counts["paragraphs"] += 1
    elif tag == "article":
        counts["articles"] += 1
    elif tag in HEADINGS:
        counts["headings"] += 1
        if element.find(".//a") is not None or _in_link(element):
            counts["linked_headings"] += 1
    elif tag == "form":
        counts["forms"] += 1
    elif tag == "input":
        kind = str(element.get("type") or "text").lower()
        counts["password"] += kind == "password"
        counts["inputs"] += kind not in ("hidden", "submit", "button")
    elif tag == "time":
        counts["times"] += 1
    elif tag == "pre":
        counts["code_blocks"] += 1
    elif tag == "li":
        counts["list_items"] += 1
    elif tag == "button":
        counts["buttons"] += 1
    elif tag == "a":
        counts["links"] += 1
        if element.get("rel") == "next":
            counts["pagination"] += 1
    itemprop = str(element.get("itemprop") or "").lower()
    if itemprop in ("price", "pricecurrency", "offers") or (
        "price" in cls and tag in ("span", "div", "p", "bdi", "ins", "strong")
    ):
        counts["prices"] += 1
    if itemprop == "author" or element.get("rel") == "author" or "byline" in cls:
        counts["byline"] = 1.0
    if "cart" in cls or "basket" in cls:
        counts["cart"] += 1
    if "pagination" in cls or "pager" in cls:
        counts["pagination"] += 1
    if any(mark in cls for mark in FORUM_CLASSES):
        counts["forum_marks"] += 1


def _in_link(element) -> bool:
    parent = element.getparent()
    for _ in range(3):
        if parent is None:
            return False
        if parent.tag == "a":
            return True
        parent = parent.getparent()
    return False


def _body_features(body: str) -> dict[str, float]:
    paragraphs = [part.strip() for part in (body or "").split("\n\n") if part.strip()]
    words = [len(WORD.findall(part)) for part in paragraphs]
    total = sum(words)
    tokens = WORD.findall((body or "").lower()[:MAX_TEXT_CHARS])
    is_prose = [
        n >= 20 and bool(SENTENCE_END.search(part))
        for part, n in zip(paragraphs, words, strict=True)
    ]
    prose = [n for n, flag in zip(words, is_prose, strict=True) if flag]
    return {
        "body_words": float(total),
        # a story opens on its lede; a landing page on slogans and headings
        "first_prose_at": float(
            next((i for i, flag in enumerate(is_prose) if flag), len(paragraphs))
        ),
        "lead_words": float(words[0]) if words else 0.0,
        "body_paragraphs": float(len(paragraphs)),
        "prose_paragraphs": float(len(prose)),
        "prose_share": sum(prose) / total if total else 0.0,
        "mean_paragraph": total / len(paragraphs) if paragraphs else 0.0,
        "short_paragraph_share": (
            sum(1 for n in words if n < 8) / len(paragraphs) if paragraphs else 0.0
        ),
        "we_share": sum(1 for w in tokens if w in FIRST_PLURAL) / len(tokens) if tokens else 0.0,
        "you_share": sum(1 for w in tokens if w in SECOND) / len(tokens) if tokens else 0.0,
        "body_prices": float(len(PRICE.findall(body or ""))),
        "body_dates": float(count_dates(body or "")),
        # years, quotations and exclamations per 100 words: reporting cites when and who
        "year_rate": 100 * len(YEAR.findall(body or "")) / total if total else 0.0,
        "quote_rate": 100 * len(QUOTE.findall(body or "")) / total if total else 0.0,
        "exclaim_rate": 100 * (body or "").count("!") / total if total else 0.0,
    }


def _url_features(url: object) -> dict[str, float]:
    f = {"url_known": 0.0}  # the others are left out, unknown: the model reads them as average
    if not isinstance(url, str) or not url.strip():
        return f
    try:
        path = urlsplit(url.strip()[:2000]).path
    except ValueError:
        return f
    segments = [part for part in path.split("/") if part]
    last = re.sub(r"\.\w{2,5}$", "", segments[-1]) if segments else ""
    f["url_known"] = 1.0
    f["url_depth"] = float(len(segments))
    f["url_dated"] = float(bool(DATED_PATH.search(path)))
    f["url_slug_words"] = float(len([w for w in re.split(r"[-_+]", last) if w.isalpha()]))
    folders = segments[:-1] if len(segments) > 1 or f["url_slug_words"] > 2 else segments
    tokens = _tokens(" ".join(folders))
    f.update({f"url_{role}": float(bool(tokens & words)) for role, words in URL_ROLES.items()})
    return f


# --- text-dump features ------------------------------------------------------------------


def text_features(text: str, body: str, title: str | None) -> dict[str, float]:
    """Features of a text-browser dump: the story's shape and the chrome around it."""
    f = _body_features(body)
    text = (text or "")[:MAX_TEXT_CHARS]
    lines = [line for line in text.splitlines() if line.strip()]
    n = max(len(lines), 1)
    page_words = max(len(text.split()), 1)
    f["body_share"] = min(f["body_words"] / page_words, 1.0)
    f["page_lines"] = float(len(lines))
    f["bullet_share"] = sum(1 for line in lines if BULLET_LINE.match(line)) / n
    f["short_line_share"] = sum(1 for line in lines if len(line.split()) <= 4) / n
    f["fields"] = float(len(TEXT_FIELD.findall(text)))
    f["prices"] = float(len(PRICE.findall(text)))
    f.update(_title_features((title or "")[:1000]))
    head = text[: text.find(body[:80])] if body and body[:80] in text else text[:3000]
    head_lines = [line for line in head.splitlines() if line.strip()][-15:]
    f["head_date"] = float(any(DATE_WORDS.search(line) for line in head_lines))
    f["date_near_title"] = _dump_date_near_title(lines, title)
    f["head_byline"] = float(any(BYLINE_LINE.match(line) for line in head_lines))
    f["dates"] = float(len(DATE_WORDS.findall(text)))
    # chrome repeated item after item: "read more" under each card, "reply" under each post
    repeats = Counter(line.strip() for line in lines[:20_000] if len(line.split()) <= 5)
    f["max_line_repeat"] = float(max(repeats.values(), default=0))
    f["repeated_lines"] = float(sum(1 for n in repeats.values() if n >= 3))
    f["date_lines"] = float(sum(1 for line in lines[:20_000] if count_dates(line)))
    f["placeholders"] = float(len(PLACEHOLDER.findall(text)))
    return f


def _dump_date_near_title(lines: list[str], title: str | None) -> float:
    """1 when a date is printed within a few lines of the headline in the dump."""
    if not title:
        return 0.0
    key = title.strip()[:60]
    for at, line in enumerate(lines[:3000]):
        if key and key in line:
            near = " ".join(lines[max(at - 3, 0) : at + 6])
            if DATE_TEXT.search(near):
                return 1.0
    return 0.0
