"""Pages from overridable templates, inside MkDocs' page lifecycle.

Unit level: overrides in a custom_dir (whole templates, single blocks of the shipped ones, new
partials), labels as data files, the site's Markdown extensions and toc style, template errors
with file and line. End to end: a newsroom's site (tests/fixtures/newsroom) with its own
custom_dir, a French labels file, CSS variables, hooks and another MkDocs plugin, built by MkDocs
and checked in the HTML and in Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import paths
from generator.errors import FactcheckError
from generator.headings import HeadingStyle
from generator.pipeline import Theme, build_site
from generator.sanitize import MarkdownConfig
from tests.browser import browser, serve
from tests.conftest import MINI, edit, run_cli
from tests.sitebuild import ROOT, copy_project, mkdocs_env

NEWSROOM = Path(__file__).resolve().parent / "fixtures" / "newsroom"
CLAIM = paths.claim("regen-zwoelf-stunden")


def theme_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    """A custom_dir holding ``files`` (path → text)."""
    root = tmp_path / "theme"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


# -- overriding templates -------------------------------------------------------------------------
def test_override_moves_the_verdict_box_and_adds_a_partial(tmp_path: Path) -> None:
    custom = theme_dir(tmp_path, {"fc/claim.html": (NEWSROOM / "fc" / "claim.html").read_text(encoding="utf-8"),
                                  "fc/partials/donate.html": (NEWSROOM / "fc" / "partials" / "donate.html")
                                  .read_text(encoding="utf-8")})
    html = build_site(MINI, theme=Theme(custom_dirs=(custom,))).pages[CLAIM].html
    shipped = build_site(MINI).pages[CLAIM].html
    assert shipped.index('class="fc-verdict-box"') < shipped.index('class="fc-claim"')
    assert html.count('class="fc-verdict-box"') == 1
    assert html.index('class="fc-claim"') < html.index('class="fc-verdict-box"') < html.index('id="analyse"')
    assert '<aside class="newsroom-donate" data-search-exclude>' in html
    assert "Regnete es am Neujahrstag zwölf Stunden lang? wurde von Anna Beispiel geprüft." in html
    assert html.index('class="fc-credits"') < html.index("newsroom-donate")
    # Other pages keep the shipped templates.
    listing = paths.listing("latest")
    assert build_site(MINI, theme=Theme(custom_dirs=(custom,))).pages[listing] == build_site(MINI).pages[listing]


def test_a_partial_override_applies_everywhere_it_is_used(tmp_path: Path) -> None:
    custom = theme_dir(tmp_path, {"fc/partials/badge.html":
                                  '<b class="my-badge" data-verdict="{{ key }}">{{ icon }} {{ label | upper }}</b>'})
    pages = build_site(MINI, theme=Theme(custom_dirs=(custom,))).pages
    for src_uri in (CLAIM, paths.listing("verdicts", "teils-richtig"), paths.home(), paths.listing("verdicts")):
        assert '<b class="my-badge" data-verdict="teils-richtig">◐ TEILS RICHTIG</b>' in pages[src_uri].html, src_uri
        assert 'class="fc-badge"' not in pages[src_uri].html


def test_plain_fields_are_escaped_by_the_template_engine(tmp_path: Path, mini: Path) -> None:
    edit(mini / "claims" / "regen-zwoelf-stunden.yml", "summary: Es regnete, aber nur acht Stunden.",
         'summary: "<script>alert(1)</script> & \\"quoted\\""')
    html = build_site(mini).pages[CLAIM].html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quoted&#34;" in html


@pytest.mark.parametrize(("template", "line", "message"), [
    ("{% block claim %}\n<h2>{{ t('claim') }</h2>\n{% endblock %}\n", 2, "syntax error: unexpected '}'"),
    ("<h1>{{ view.claim.title }}</h1>\n\n<p>{{ view.no_such_value }}</p>\n", 3,
     "'generator.views.ClaimView object' has no attribute 'no_such_value'"),
    ('{% include "fc/partials/nothing.html" %}\n', 0, "template 'fc/partials/nothing.html' not found"),
])
def test_template_errors_name_file_and_line(tmp_path: Path, template: str, line: int, message: str) -> None:
    custom = theme_dir(tmp_path, {"fc/claim.html": template})
    with pytest.raises(FactcheckError) as caught:
        build_site(MINI, theme=Theme(custom_dirs=(custom,)))
    (problem,) = caught.value.problems
    assert problem.path.endswith("theme/fc/claim.html")
    assert (problem.line, problem.field) == (line, "template")
    assert message in problem.message
    assert problem.hint


def test_template_error_in_the_cli_exits_1_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    theme_dir(tmp_path, {"fc/listing.html": "<h1>{{ view.title }</h1>\n"})
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ntheme:\n  name: material\n  custom_dir: theme\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "--content", str(MINI), "check")
    assert code == 1 and out == ""
    assert re.search(r"^theme/fc/listing\.html:1: template: syntax error: unexpected '}'; see ", err, re.M), err
    assert "Traceback" not in err and err.rstrip().endswith("nothing was written.")


# -- labels as data --------------------------------------------------------------------------------
def test_a_french_labels_file_makes_a_french_site(tmp_path: Path) -> None:
    theme = Theme(custom_dirs=(NEWSROOM,))
    page = build_site(MINI, language="fr", theme=theme).pages[CLAIM].html
    assert '<h2 id="laffirmation">L’affirmation' in page
    assert "<strong>Date de l’affirmation:</strong> 1 janvier 2020" in page
    assert "Publié: 1 février 2020" in page
    assert "Half true" in page  # verdicts.yml has no French label: its English one stands in
    months = build_site(MINI, language="fr", theme=theme).pages[paths.listing("months")].html
    assert "février 2020" in months and "Archives par mois" in months


def test_a_labels_file_with_gaps_or_typos_is_refused(tmp_path: Path) -> None:
    text = (NEWSROOM / "fc" / "labels" / "fr.yml").read_text(encoding="utf-8")
    text = text.replace('  evidence: "Sources"\n', "").replace("  rating:", "  ratting:")
    custom = theme_dir(tmp_path, {"fc/labels/fr.yml": text})
    with pytest.raises(FactcheckError) as caught:
        build_site(MINI, language="fr", theme=Theme(custom_dirs=(custom,)))
    messages = [str(p).split("theme/fc/labels/", 1)[1] for p in caught.value.problems]
    assert messages == ["fr.yml: labels.evidence: missing; translate it from generator/labels/en.yml: 'Evidence'",
                        "fr.yml: labels.rating: missing; translate it from generator/labels/en.yml: 'Rating'",
                        "fr.yml: labels.ratting: unknown label; did you mean 'rating'?"]


def test_a_language_without_labels_falls_back_to_english() -> None:
    page = build_site(MINI, language="pt").pages[CLAIM].html
    assert '<p class="fc-verdict-box__label">Verdict</p>' in page


# -- the site's Markdown and headings ----------------------------------------------------------------
def test_markdown_fields_use_the_site_extensions_then_the_sanitiser(mini: Path) -> None:
    edit(mini / "claims" / "regen-zwoelf-stunden.yml", "  Der Wetterdienst maß **acht** Stunden Regen.",
         '  Der Wetterdienst maß **acht** Stunden Regen.\n  {: .wide .fc-badge .md-button onclick="x" }\n\n'
         '  !!! note "Zur Messung"\n      Gemessen am Flughafen.\n\n'
         '  <span class="fc-badge" data-verdict="richtig" id="__search">Richtig</span>')
    plain = build_site(mini).pages[CLAIM].html
    assert "!!! note" in plain and "{: .wide" in plain  # not configured: stays text
    config = MarkdownConfig.from_mkdocs(["toc", "tables", "admonition", "attr_list", "pymdownx.snippets"],
                                        {"toc": {"permalink": True}})
    assert config.extensions == ("tables", "admonition", "attr_list")  # no toc (page level), no file includes
    html = build_site(mini, theme=Theme(markdown=config)).pages[CLAIM].html
    assert '<div class="admonition note">\n<p class="admonition-title">Zur Messung</p>' in html
    assert '<p>Der Wetterdienst maß <strong>acht</strong> Stunden Regen.</p>' not in html
    assert re.search(r'<p class="wide">Der Wetterdienst maß', html), html
    # A record may not dress up as a verdict badge, restyle Material or clobber its elements.
    assert "onclick" not in html and "md-button" not in html and 'id="__search"' not in html
    assert "<span>Richtig</span>" in html


def test_headings_follow_the_site_toc_settings() -> None:
    def slugify(text: str, separator: str) -> str:
        return "x-" + text.lower().replace(" ", separator)

    style = HeadingStyle.from_toc_config({"permalink": "#", "permalink_title": "Link hierher", "slugify": slugify,
                                          "separator": "_", "toc_depth": 2})
    page = build_site(MINI, theme=Theme(headings=style)).pages[CLAIM]
    assert '<h2 id="x-die_behauptung">Die Behauptung<a class="headerlink" href="#x-die_behauptung" ' \
           'title="Link hierher">#</a></h2>' in page.html
    assert [h.level for h in page.toc] == [1, 2, 2, 2, 2, 2]  # toc_depth 2 (… share area): : the analysis' h3 is left out
    assert '<h3 id="x-was_die_messung_zeigt">Was die Messung zeigt</h3>' in page.html
    plain = HeadingStyle.from_toc_config({})  # MkDocs without `permalink: true`: no permalinks
    assert "headerlink" not in build_site(MINI, theme=Theme(headings=plain)).pages[CLAIM].html


def test_toc_tokens_are_what_mkdocs_get_toc_reads() -> None:
    """Python-Markdown's toc token format is what MkDocs' get_toc reads (headings.toc_tokens makes it)."""
    from mkdocs.structure.toc import get_toc

    from generator.headings import toc_tokens

    (top,) = get_toc(toc_tokens(build_site(MINI).pages[CLAIM].toc)).items
    assert (top.title, top.url, top.level) == ("Regnete es am Neujahrstag zwölf Stunden lang?",
                                               "#regnete-es-am-neujahrstag-zwolf-stunden-lang", 1)
    assert [child.title for child in top.children][:3] == ["Die Behauptung", "Analyse", "Belege"]
    assert [child.url for child in top.children[1].children] == ["#was-die-messung-zeigt"]


def test_render_command_uses_the_sites_templates_and_toc(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    theme_dir(tmp_path, {"fc/claim.html": '<h1>{{ view.claim.title }}</h1>\n\n<p class="mine">{{ t.verdict }}</p>\n'})
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_url: !ENV [SITE_URL, 'http://x/']\ntheme:\n"
                                         "  name: material\n  custom_dir: theme\n  language: en\n"
                                         "markdown_extensions:\n  - toc:\n      permalink: '#'\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "--content", str(MINI), "render", "out")
    assert code == 0, err
    text = (tmp_path / "out" / "claims" / "regen-zwoelf-stunden.md").read_text(encoding="utf-8")
    assert '<p class="mine">Verdict</p>' in text
    assert 'title="Permanent link">#</a></h1>' in text


# -- a newsroom's site, built by MkDocs ------------------------------------------------------------
NEWSROOM_CONFIG = """
extra_css:
  - assets/stylesheets/newsroom.css
hooks:
  - hooks.py
"""


def newsroom_site(dest: Path, *, language: str = "de", plugin: str = "") -> tuple[Path, subprocess.CompletedProcess[str]]:
    """This repository's site with the newsroom's additions: its templates, partial and labels in
    theme_overrides/fc/, its stylesheet of CSS variables, its hooks and (``plugin``) one more plugin."""
    copy_project(dest)
    shutil.copytree(NEWSROOM / "fc", dest / "theme_overrides" / "fc")
    shutil.copy2(NEWSROOM / "hooks.py", dest / "hooks.py")
    # An admonition in a record's analysis: the site's markdown_extensions apply to record fields.
    record = dest / "content" / "claims" / f"{CLAIM_ID}.yml"
    text = record.read_text(encoding="utf-8")
    assert text.count("\nevidence:") == 1
    record.write_text(text.replace("\nevidence:", '\n\n  !!! note "Redaktionelle Notiz"\n      Admonition aus dem Datensatz.'
                                   "\nevidence:"), encoding="utf-8")
    (dest / "content" / "assets" / "stylesheets").mkdir(parents=True)
    shutil.copy2(NEWSROOM / "assets" / "stylesheets" / "newsroom.css", dest / "content" / "assets" / "stylesheets")
    config = (dest / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  language: de\n", f"  language: {language}\n")
    config = config.replace("  - factcheck\n", f"  - factcheck\n{plugin}")
    (dest / "mkdocs.yml").write_text(config.replace("\nnav:", NEWSROOM_CONFIG + "\nnav:", 1), encoding="utf-8")
    site = dest / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=dest,
                            env=mkdocs_env(), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return site, result


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    # mkdocs-minify-plugin stands for "a plugin the newsroom already uses" (on_post_page).
    return newsroom_site(tmp_path_factory.mktemp("newsroom"), plugin="  - minify:\n      minify_html: true\n")


CLAIM_ID = "evakuierung-als-tarnung"
TITLE = yaml.safe_load((ROOT / "content" / "claims" / f"{CLAIM_ID}.yml").read_text(encoding="utf-8"))["title"]


def classes(html: str) -> set[str]:
    """Every class in the page, quoted or (minified) not."""
    return {c for value in re.findall(r'class=(?:"([^"]*)"|([^\s>"]+))', html) for c in " ".join(value).split()}


def test_hooks_see_and_change_generated_pages(newsroom: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    site, _ = newsroom
    pages = {"claim": f"claims/{CLAIM_ID}/index.html", "listing": "latest/index.html",
                    "article": "articles/southfront-2017-10-11-raqqa/index.html", "hand-written": "about/index.html"}
    for kind, page in pages.items():
        html = (site / page).read_text(encoding="utf-8")
        for marker in ("hook-markdown", "hook-content", "hook-context", "hook-post-page"):
            assert marker in classes(html), (kind, marker)


def test_on_page_markdown_gets_the_template_html(newsroom: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    site, _ = newsroom
    seen = json.loads((site.parent / "markdown-seen.json").read_text(encoding="utf-8"))
    claim = seen[f"claims/{CLAIM_ID}.md"]
    # The body as the template wrote it: HTML, headings without ids yet (MkDocs' render adds them).
    assert claim.startswith(f"<h1>{TITLE}</h1>")
    assert "<h2>Die Behauptung</h2>" in claim and 'class="fc-verdict-box"' in claim
    assert seen["about.md"].startswith("# ")  # hand-written pages: their Markdown, as ever


def test_newsroom_templates_partial_and_css_apply(newsroom: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    site, _ = newsroom
    html = (site / "claims" / CLAIM_ID / "index.html").read_text(encoding="utf-8").replace('"', "")
    assert html.index("class=fc-claim") < html.index("class=fc-verdict-box") < html.index("id=analyse")
    assert "class=newsroom-donate" in html
    assert re.search(r"<div class=admonition note>\s*<p class=admonition-title>Redaktionelle Notiz", html)
    assert "href=../../assets/stylesheets/newsroom.css" in html
    assert "<div class=fc-search id=fc-search role=search aria-label=Suche hidden" in html  # the header search
    # TOC and title set through MkDocs: the sidebar lists the page's headings, <title> the claim.
    assert re.search(r"<a href=#analyse class=md-nav__link>\s*<span class=md-ellipsis>\s*Analyse", html)
    assert f"<title>{TITLE} - Faktenchecks</title>" in html


def test_another_plugin_works_on_generated_pages(newsroom: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    site, _ = newsroom
    for page in (f"claims/{CLAIM_ID}/index.html", "latest/index.html", "about/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "\n\n" not in html and "<!--" not in html, page  # minified
    html = (site / "claims" / CLAIM_ID / "index.html").read_text(encoding="utf-8")
    jsonld = re.search(r'<script type="?application/ld\+json"?>(.*?)</script>', html, re.S)
    assert jsonld and json.loads(jsonld[1])["@type"] == "ClaimReview"  # the head of claim pages survives


@pytest.mark.browser
def test_css_variables_restyle_the_verdict_box(newsroom: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    site, _ = newsroom
    with serve(site) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(f"{base}claims/{CLAIM_ID}/index.html")
        box = page.eval_on_selector(".fc-verdict-box", "e => [getComputedStyle(e).backgroundColor, "
                                                       "getComputedStyle(e).borderLeftWidth]")
        badge = page.eval_on_selector(".fc-verdict-box .fc-badge", "e => getComputedStyle(e).color")
    assert box == ["rgb(255, 244, 204)", "12px"]
    assert badge == "rgb(0, 0, 0)"


def test_a_french_site_needs_one_labels_file(tmp_path: Path) -> None:
    site, result = newsroom_site(tmp_path / "fr", language="fr")
    assert "no labels for language" not in result.stderr
    html = (site / "claims" / CLAIM_ID / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in html
    assert "L’affirmation" in html and "Sources" in html and "11 octobre 2017" in html
    assert 'aria-label="Recherche"' in html and 'placeholder="Taper pour d' in html  # Material's French strings
    assert '<legend class="fc-search__legend">Affiner la recherche</legend>' in html  # the site's labels


def test_header_changes_apply() -> None:
    """main.html changes Material's header output (no copied partials); this fails loudly when a
    Material upgrade changes the markup it relies on."""
    import material

    material = Path(material.__file__ or "").parent / "templates" / "partials"
    assert '<div class="md-search" data-md-component="search" role="dialog">' in \
        (material / "search.html").read_text(encoding="utf-8"), "Material's search dialog changed: update main.html"
    header = (material / "header.html").read_text(encoding="utf-8")
    assert '<div class="md-header__source">' in header and header.count("</nav>") == 1, \
        "Material's header changed: update the header block in theme_overrides/main.html"
    assert not (ROOT / "theme_overrides" / "partials" / "header.html").exists()
    assert not (ROOT / "theme_overrides" / "partials" / "search.html").exists()


def _squash(html: str) -> str:
    """HTML with white space runs made one space and none between tags."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html))


def test_blocks_rendered_once_per_folder_match_material_s_own(mini: Path, tmp_path: Path) -> None:
    """main.html renders the navigation, the tabs, the configuration script and the header search
    once per folder of pages outside the navigation (the plugin's fc_nav_cache). Without that cache
    (a hook removes it, as for an engine without our plugin) Material's blocks render for every
    page: the pages must come out the same, white space aside."""
    from tests.minisite import build_content

    cached = build_content(mini, tmp_path / "cached")
    hook = tmp_path / "no_cache.py"
    hook.write_text("def on_env(env, config, files):\n    env.globals.pop('fc_nav_cache', None)\n    return env\n",
                    encoding="utf-8")
    plain = build_content(mini, tmp_path / "plain", extra_config=f"\nhooks:\n  - {hook}\n")
    pages = sorted(p.relative_to(cached) for p in cached.rglob("*.html"))
    assert len(pages) > 20 and sorted(p.relative_to(plain) for p in plain.rglob("*.html")) == pages
    claim = _squash((cached / CLAIM.removesuffix(".md") / "index.html").read_text(encoding="utf-8"))
    assert 'class="md-tabs"' in claim and 'id="__config"' in claim and 'id="fc-search"' in claim
    differ = [str(p) for p in pages
              if _squash((cached / p).read_text(encoding="utf-8")) != _squash((plain / p).read_text(encoding="utf-8"))]
    assert differ == []
