"""The published JSON Schemas are generated from the model and committed; they must not drift."""

from __future__ import annotations

import json

from generator.schema import SCHEMA_DIR, schemas


def test_committed_schemas_match_the_model() -> None:
    for name, text in schemas().items():
        committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `factcheck schema`"


def test_claim_schema_requires_the_core_fields() -> None:
    claim = json.loads(schemas()["claim.schema.json"])
    assert {"id", "status", "title", "claim", "verdict", "summary", "analysis", "evidence", "authors",
            "published"} <= set(claim["required"])
    assert claim["additionalProperties"] is False


def test_records_share_their_fields_set_and_copies_leave_it_alone() -> None:
    """Each validated model keeps the names of the fields its YAML gave (pydantic's
    ``model_fields_set``); records with the same fields share one set (45 MB of sets at 10,000
    claims otherwise). A copy with changes gets its own set, so the shared one never changes."""
    from generator.model import Source

    data = {"title": "T", "publisher": "P", "url": "https://example.org/a", "date": "2020-01-01"}
    one, two = Source.model_validate(data), Source.model_validate(dict(data, title="U"))
    assert one.model_fields_set == set(data) and one.model_fields_set is two.model_fields_set
    copy = one.model_copy(update={"note": "n"})
    assert copy.model_fields_set == set(data) | {"note"}
    assert one.model_fields_set == set(data) and two.model_fields_set == set(data)
    other = Source.model_validate({k: v for k, v in data.items() if k != "date"})
    assert other.model_fields_set == set(data) - {"date"}


def _url_verdict(check, value: str) -> str:
    try:
        return "ok" if check(value) == value else "changed"
    except ValueError as exc:
        return str(exc)


def test_a_plain_url_takes_the_short_way_and_nothing_else_does() -> None:
    """``_check_http_url`` lets the usual URL through with one pattern (``_PLAIN_URL``) before the
    part-by-part checks. Over every combination of tricky schemes, hosts and characters it must
    give what the part-by-part checks alone give, the same message included; and the pattern must
    never pass a URL those checks refuse. The repository's own URLs all take the short way."""
    import itertools
    import re
    from pathlib import Path

    from generator.model import _PLAIN_URL, _check_http_url, _check_url_parts

    schemes = ["http://", "https://", "HTTPS://", "hTtP://", "httpſ://", "HTTP://", "https:/", "ftp://",
               "javascript:", " https://", "https:///", "ｈttps://", ""]
    hosts = ["example.org", "user:pw@example.org", "example.org@evil.example", "[::1]", "[::1", "]", "",
             "ex\u202eample.org", "x", "exa mple.org", "exa\u00a0mple.org", "ex`ample.org", "a:8080"]
    separators = ["/", "?", "#", "", "//", "/@"]
    rests = ["path/a-b_c.html", "a b", "x\u00a0y", "@evil", "\"", "'", "`", "<", ">", "\n", "\u2066", "[x]", "ü", ""]
    ends = ["", " ", "\n", "\u2028", "\t"]
    short = 0
    for parts in itertools.product(schemes, hosts, separators, rests, ends):
        value = "".join(parts)
        assert _url_verdict(_check_http_url, value) == _url_verdict(_check_url_parts, value), value
        if len(value) > len("https://") and _PLAIN_URL.match(value):
            short += 1
            assert _url_verdict(_check_url_parts, value) == "ok", value
    assert short > 500
    root = Path(__file__).resolve().parent.parent / "content"
    urls = {m.group(1) for path in root.rglob("*.yml")
            for m in re.finditer(r"\burl: *['\"]?(https?://[^\s'\"]+)", path.read_text(encoding="utf-8"))}
    assert len(urls) > 20 and all(_PLAIN_URL.match(u) for u in urls), sorted(u for u in urls if not _PLAIN_URL.match(u))
