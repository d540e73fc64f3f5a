"""Readers: each bad input gets its own reason code; good inputs become documents."""

import gzip
import json

import pytest

from presswatch.model import Document, Rejection
from presswatch.sources.read import detect_format, read_input

ARTICLE = "A U.S. official said Monday that North Korean leader Kim Jong Un may travel to Russia."


def reasons(found):
    return [r.reasons[0] if isinstance(r, Rejection) else "ok" for r in found]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", ("text", False)),
        ("b/c.HTML", ("html", False)),
        ("page.htm.gz", ("html", True)),
        ("x.jsonl.gz", ("jsonl", True)),
        ("x.ndjson", ("jsonl", False)),
        ("notes.docx", (None, False)),
        ("README", (None, False)),
    ],
)
def test_detect_format_from_name(name, expected):
    assert detect_format(name) == expected


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.txt", b"", ["empty_file"]),
        ("blank.txt", b"  \n\t\n", ["empty_file"]),
        ("random.txt", bytes(range(256)) * 8, ["binary_content"]),
        ("broken.txt", ARTICLE.encode() + "é".encode() + b"\xff\xfe caf\xc3", ["invalid_utf8"]),
        ("truncated.txt.gz", gzip.compress(ARTICLE.encode() * 50)[:60], ["corrupt_gzip"]),
        ("not-gzip.html.gz", b"<html>plain</html>", ["corrupt_gzip"]),
        ("invalid.json", b'{"title": "x", ', ["invalid_json"]),
        ("list.json", b"[1, 2]", ["not_an_article", "not_an_article"]),
        ("image.png", b"\x89PNG\r\n", ["unsupported_format"]),
    ],
)
def test_read_input_bad_bytes_get_a_specific_reason(name, data, expected):
    assert reasons(read_input(name, data, "h")) == expected


def test_read_input_jsonl_broken_line_rejects_only_that_record():
    lines = [
        json.dumps({"title": "One", "text": ARTICLE}),
        "{not json",
        "",
        json.dumps({"title": "Two", "text": ARTICLE}),
    ]
    found = read_input("crawl.jsonl", "\n".join(lines).encode(), "h")
    assert reasons(found) == ["ok", "invalid_json", "ok"]
    assert [f.source_record for f in found] == [0, 1, 3]  # line numbers, blank lines included


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Café “quoted” – text".encode("utf-16"), "Café “quoted” – text"),
        ("Café “quoted” – text".encode("utf-8-sig"), "Café “quoted” – text"),
        ("Café “quoted” – text".encode("cp1252"), "Café “quoted” – text"),
        ('<meta charset="iso-8859-1"><p>São Paulo</p>'.encode("latin-1"), "São Paulo"),
    ],
)
def test_read_input_decodes_common_encodings(data, text):
    (doc,) = read_input("page.txt", data, "h")
    assert isinstance(doc, Document)
    assert text in doc.text


def test_read_input_gzip_of_each_format():
    record = json.dumps({"title": "T", "text": ARTICLE}).encode()
    (doc,) = read_input("x.json.gz", gzip.compress(record), "h")
    assert doc.format == "json" and doc.record["title"] == "T"
