"""Take screenshots of a built site (light and dark) for the README and for looking at changes.

    python scripts/screenshots.py SITE_DIR OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import browser, serve  # noqa: E402

PAGES = {
    "claim": "claims/russische-luftangriffe-mayadin/",
    "article": "articles/southfront-2017-10-11-raqqa/",
    "home": "",
    "claimant": "claimants/southfront/",
    "scale": "verdicts/",
}


def main(site: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with serve(site) as base, browser() as chromium:
        for scheme in ("light", "dark"):
            page = chromium.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            for name, path in PAGES.items():
                page.goto(base + path)
                page.screenshot(path=str(out / f"{name}-{scheme}.png"), full_page=name in ("claim", "article"))
            page.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
