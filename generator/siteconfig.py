"""The parts of ``mkdocs.yml`` that shape generated pages, read without MkDocs (for the CLI).

The MkDocs plugin gets them from MkDocs' own config; ``factcheck render`` and ``factcheck check``
read them here so that their pages match the built site's: the theme's ``custom_dir`` (template
and label overrides), ``markdown_extensions`` (for record fields, and ``toc`` for headings) and
``theme.language``. Tags MkDocs understands and we need not (``!ENV``, ``!relative``) read as
nothing; ``!!python/name:`` (e.g. a ``toc`` slugify function) is imported, as MkDocs does.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import yaml

from .errors import FactcheckError, Problem
from .headings import HeadingStyle
from .pipeline import Theme
from .records import display_path
from .sanitize import MarkdownConfig


class _Loader(yaml.SafeLoader):
    """Safe YAML plus MkDocs' tags."""


def _unknown(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    module, _, name = suffix.rpartition(".")
    return getattr(importlib.import_module(module), name)


_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)
_Loader.add_multi_constructor("!", _unknown)


def read(path: Path) -> tuple[Theme, str | None]:
    """The theme settings and the theme language of ``path``; defaults if there is no such file."""
    if not path.is_file():
        return Theme(), None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}  # noqa: S506 - safe loader + known tags
    except (yaml.YAMLError, ImportError, AttributeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FactcheckError([Problem(display_path(path), mark.line + 1 if mark else 0, "-",
                                      f"cannot read: {exc}", "check it with `mkdocs build`")]) from None
    theme = data.get("theme") or {}
    theme = theme if isinstance(theme, dict) else {"name": theme}
    custom_dir = theme.get("custom_dir")
    names: list[str] = ["toc", "tables", "fenced_code"]  # MkDocs always adds these
    configs: dict[str, Any] = {}
    for item in data.get("markdown_extensions") or []:
        entries = [(item, {})] if isinstance(item, str) else list(item.items()) if isinstance(item, dict) else []
        for name, config in entries:
            if name not in names:
                names.append(name)
            if config:
                configs[name] = config
    return Theme(custom_dirs=(path.parent / custom_dir,) if custom_dir else (),
                 markdown=MarkdownConfig.from_mkdocs(names, configs),
                 headings=HeadingStyle.from_toc_config(configs.get("toc", {}))), theme.get("language")
