"""Publish the JSON Schema of every record kind, derived from ``model.py`` (never hand-edited).

Editors' YAML language servers read them (``# yaml-language-server: $schema=...``); a test keeps
the committed files equal to what the model produces.
"""

from __future__ import annotations

import json
from pathlib import Path

from .model import KINDS

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def schemas() -> dict[str, str]:
    """File name → JSON text, one per record kind."""
    out = {}
    for kind, model in sorted(KINDS.items()):
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
        out[f"{kind}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return out


def write_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written
