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
