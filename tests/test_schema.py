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
