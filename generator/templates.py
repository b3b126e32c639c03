"""Render stage, second half: view data → page HTML through Jinja2 templates.

The templates ship in ``generator/templates/fc/``; a site overrides any of them, or adds its own
partials, by putting a file of the same name into its theme ``custom_dir`` (``theme_overrides/fc/
claim.html``), as Material users already do with Material's templates. Autoescape is on: plain
record text is escaped by Jinja; Markdown fields arrive as sanitised ``Markup``.

An override can also extend the shipped template and replace single blocks:
``{% extends "packaged:fc/claim.html" %}``.

A template error (syntax, a missing template, an undefined value) stops the run with the
template's file and line, like a record error.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .errors import FactcheckError, Problem
from .i18n import Labels
from .model import Verdict
from .records import display_path
from .views import ICONS

PACKAGED = Path(__file__).resolve().parent / "templates"


class Templates:
    """The Jinja2 environment of one site: its ``custom_dir`` folders first, then the packaged templates."""

    def __init__(self, labels: Labels, search: Sequence[Path] = ()) -> None:
        self.search = [Path(folder) for folder in search]
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([
                jinja2.FileSystemLoader([*map(str, self.search), str(PACKAGED)]),
                # "packaged:fc/claim.html" is always the shipped template, so an override of
                # fc/claim.html can extend it and change single blocks instead of copying it.
                jinja2.PrefixLoader({"packaged": jinja2.FileSystemLoader(str(PACKAGED))}, delimiter=":")]),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, auto_reload=False)
        self.env.globals["t"] = labels
        self.env.filters["date"] = labels.date
        self.env.filters["month"] = labels.month
        self.env.filters["pick"] = labels.pick
        self.env.filters["lines"] = _lines

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateError as exc:
            raise FactcheckError([self._problem(name, exc)]) from None
        except Exception as exc:  # a template calling something wrongly: still the template's fault
            problem = self._problem(name, exc)
            if problem.line == 0:
                raise
            raise FactcheckError([problem]) from None

    def load(self, names: Sequence[str]) -> None:
        """Compile ``names`` now, so a syntax error or a missing template stops the run before
        anything is written."""
        for name in names:
            try:
                self.env.get_template(name)
            except jinja2.TemplateError as exc:
                raise FactcheckError([self._problem(name, exc)]) from None

    def badges(self, verdicts: Mapping[str, Verdict], labels: Labels) -> dict[str, Markup]:
        """Each verdict's badge (``fc/partials/badge.html``), rendered once: listings show thousands."""
        return {key: Markup(self.render("fc/partials/badge.html", {
                    "key": key, "label": labels.pick(v.label), "colour": v.colour, "icon": ICONS[v.icon],
                    "icon_name": v.icon}).strip())
                for key, v in verdicts.items()}

    def macro(self, name: str, macro: str) -> Callable[..., Markup]:
        """A macro of a template (e.g. ``entry`` of ``fc/partials/macros.html``), callable from Python."""
        module = self.env.get_template(name).module
        return getattr(module, macro)  # type: ignore[no-any-return]

    def origin(self, name: str) -> str:
        """Which file a template name resolves to (the site's override or the packaged one)."""
        for folder in [*self.search, PACKAGED]:
            if (folder / name).is_file():
                return display_path(folder / name)
        return name

    def _problem(self, name: str, exc: BaseException) -> Problem:
        if isinstance(exc, jinja2.TemplateNotFound):
            return Problem(self.origin(name), 0, "template", f"template {exc.name!r} not found",
                           "check the name in {% include %}/{% extends %}; packaged templates are in "
                           "generator/templates/fc/")
        if isinstance(exc, jinja2.TemplateSyntaxError):
            where = display_path(Path(exc.filename)) if exc.filename else self.origin(exc.name or name)
            return Problem(where, exc.lineno, "template", f"syntax error: {exc.message}",
                           "see https://jinja.palletsprojects.com/en/stable/templates/")
        # A runtime error: the innermost template frame names the file and line.
        path, line = self.origin(name), 0
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".html") and Path(filename).is_file():
                path, line = display_path(Path(filename)), tb.tb_lineno
            tb = tb.tb_next
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else f"{type(exc).__name__}: {exc}"
        return Problem(path, line, "template", html.unescape(message),
                       "the values each page template gets are listed in README, 'Make it yours'")


def overrides(custom_dirs: Sequence[Path]) -> list[str]:
    """The site's own templates (``fc/…`` in its ``custom_dir`` folders), sorted. Only these can
    break a page template between two releases of the generator: its own are tested with it."""
    found = {path.relative_to(folder).as_posix() for folder in map(Path, custom_dirs) if (folder / "fc").is_dir()
             for path in (folder / "fc").rglob("*.html")}
    return sorted(found)


def _lines(text: str) -> Markup:
    """Plain text with its line breaks as ``<br>`` (escaped, like any plain value)."""
    return Markup("<br>").join(escape(text).split("\n"))
