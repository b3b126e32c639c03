"""``factcheck audit SITE_DIR``: prove that the built site lost nothing.

For every published record: its page exists and shows the verdict label, the claim text and every
evidence URL. Run after ``mkdocs build`` (CI does); exit 1 lists what is missing.
"""

from __future__ import annotations

import html
from pathlib import Path

from . import paths
from .errors import FactcheckError, Problem
from .i18n import Labels
from .claimreview import EXPORTS
from .pipeline import Site
from .records import display_path


def audit(site: Site, site_dir: Path) -> list[str]:
    """The problems found, one line each (empty when the site is complete)."""
    g = site.graph
    labels = Labels(g.site.language)
    missing: list[str] = []
    for cid, claim in g.claims.items():
        if claim.status != "published":
            continue
        page = _page_file(site_dir, paths.claim(cid))
        if page is None:
            missing.append(f"claims/{cid}: page missing (looked for {paths.url(paths.claim(cid))}index.html)")
            continue
        text = page.read_text(encoding="utf-8")
        label = labels.pick(g.verdicts[claim.verdict].label)
        if f'data-verdict="{claim.verdict}"' not in text or html.escape(label, quote=False) not in text:
            missing.append(f"claims/{cid}: verdict {label!r} not shown")
        if html.escape(claim.claim.text, quote=True) not in text:
            missing.append(f"claims/{cid}: claim text not shown")
        for source in claim.evidence:
            if f'href="{html.escape(source.url, quote=True)}"' not in text:
                missing.append(f"claims/{cid}: evidence link {source.url} missing")
    for name in sorted(expected_files(site)):
        if not (site_dir / name).is_file():
            missing.append(f"{name}: export missing")
    return missing


def expected_files(site: Site) -> set[str]:
    """The files besides pages a build writes: exports, embed cards, alias redirects, image copies.
    (Named, not rendered: ``site`` may come from ``check_site``.)"""
    g = site.graph
    return (set(EXPORTS) | {paths.embed(cid) for cid in g.claims} | {name for name, _ in site.views.redirects()}
            | set(site.files))


def _page_file(site_dir: Path, src_uri: str) -> Path | None:
    for candidate in (site_dir / paths.url(src_uri, True) / "index.html", site_dir / paths.url(src_uri, False)):
        if candidate.is_file():
            return candidate
    return None


def check_site_dir(site_dir: Path) -> None:
    if not (site_dir / "index.html").is_file():
        raise FactcheckError([Problem(display_path(site_dir), 0, "-", "not a built site (no index.html)",
                                      "run `mkdocs build` first, then audit its output folder")])
