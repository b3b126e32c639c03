"""Hardening: hostile record content never reaches a reader's browser as markup, builds are
byte-for-byte reproducible, interrupted or failed runs write nothing, and the audit catches loss."""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
from mkdocs.utils.meta import get_data
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.errors import FactcheckError
from generator.pipeline import build_site
from tests.browser import browser, serve
from tests.conftest import MINI, edit, run_cli
from tests.minisite import build_content
from tests.sitebuild import build_repo_site, copy_project, mkdocs_env

# The Markdown extensions of mkdocs.yml: enough to see what MkDocs would make of a generated page.
EXTENSIONS = ["attr_list", "md_in_html", "tables", "sane_lists", "admonition", "toc"]
SAFE_SCHEMES = ("http://", "https://", "#", "../", "./", "mailto:",
                "web+mastodon://share?")  # the Mastodon share link (generator/meta.py SERVICES)


class _Inspector(HTMLParser):
    """Collects what must never come from a record: script-ish elements, event handlers, bad URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "style", "base", "form", "svg", "math"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value is not None:
                url = value.strip().lower()
                if ":" in url.split("/")[0] and not url.startswith(SAFE_SCHEMES):
                    self.bad.append(f"{tag} {name}={value!r}")


def unsafe_markup(markdown_text: str) -> list[str]:
    return unsafe_html(markdown.markdown(markdown_text, extensions=EXTENSIONS))


def unsafe_html(html_text: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html_text)
    return inspector.bad


PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "[x](javascript:alert(1))", "[x](jav&#x09;ascript:alert(1))", "[x]( javascript:alert(1))",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", "<iframe src=//evil.example></iframe>",
    "\" onmouseover=\"alert(1)", "' onfocus='alert(1)' autofocus='", "</script><script>alert(1)</script>",
    "<style>body{display:none}</style>", "{: onclick=\"alert(1)\" }", "[x](vbscript:msgbox(1))",
    "<details open ontoggle=alert(1)>", "![x](javascript:alert(1))", "<math><mtext><script>alert(1)</script>",
]
text = st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=1, max_size=80),
                 st.lists(st.sampled_from(PAYLOADS + ["*", "_", "`", "[", "](", "<", ">", "&", "\"", "'", "{", "}",
                                                       " ", "\n", "\n\n", "a"]), min_size=1, max_size=12).map("".join))
line = text.map(lambda t: " ".join(t.replace("<", " ").replace(">", " ").split()) or "x")


def _set(path: Path, key: str, value: str) -> None:
    """Replace the value of a top-level or indented scalar key with ``value`` (as a YAML string)."""
    import json

    lines = path.read_text(encoding="utf-8").splitlines()
    for i, current in enumerate(lines):
        stripped = current.lstrip()
        if stripped.startswith(f"{key}:") and not stripped.endswith("|"):
            indent = current[: len(current) - len(stripped)]
            lines[i] = f"{indent}{key}: {json.dumps(value)}"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return
    raise AssertionError(f"{key} not in {path}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=line, summary=text, analysis=text, claim_text=text, note=text, name=line, label=line)
def test_no_record_text_becomes_markup(tmp_path_factory: pytest.TempPathFactory, title: str, summary: str,
                                       analysis: str, claim_text: str, note: str, name: str, label: str) -> None:
    content = tmp_path_factory.mktemp("prop") / "content"
    shutil.copytree(MINI, content)
    claim = content / "claims" / "rathaus-blau.yml"
    _set(claim, "title", title)
    _set(claim, "summary", summary)
    _set(claim, "analysis", analysis)
    _set(claim, "text", claim_text)
    _set(claim, "note", note) if "note:" in claim.read_text(encoding="utf-8") else None
    _set(content / "claimants" / "tagblatt.yml", "name", name)
    edit(content / "topics.yml", "label: {de: Stadt, en: City}", f"label: {{de: {__import__('json').dumps(label)}}}")
    try:
        pages = build_site(content).pages
    except FactcheckError as exc:  # refusing hostile input is fine; it must be a clean refusal
        assert all(p.path.endswith(".yml") for p in exc.problems)
        event("refused by the checker")
        return
    event("rendered")
    for src_uri, page in pages.items():
        assert unsafe_html(page.html) == [], src_uri  # what our plugin hands MkDocs
        # What `factcheck render` gives other engines, which (like MkDocs) read the front matter as data.
        body, meta = get_data(page.markdown())
        assert meta == page.meta() and unsafe_markup(body) == [], src_uri


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo_site(tmp_path_factory.mktemp("repo"))


def test_two_builds_are_byte_identical(repo_site: Path, tmp_path: Path) -> None:
    other = build_repo_site(tmp_path / "again")
    first = {p.relative_to(repo_site): p.read_bytes() for p in sorted(repo_site.rglob("*")) if p.is_file()}
    second = {p.relative_to(other): p.read_bytes() for p in sorted(other.rglob("*")) if p.is_file()}
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    # The search index is part of it: Pagefind's bundle with its filter chunks (which pagefind
    # itself writes in varying order; generator/pagefind.py canonical_bundle sorts them).
    index = [name for name in first if name.parts[0] == "pagefind"]
    assert Path("pagefind", "pagefind-entry.json") in index
    assert len([name for name in index if name.parts[1] == "filter"]) == 4
    assert len([name for name in index if name.parts[1] == "fragment"]) == 7  # the published claims


def test_audit_passes_on_a_complete_site(repo_site: Path, capsys, monkeypatch) -> None:
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(capsys, "audit", str(repo_site))
    assert (code, err) == (0, "")
    assert out.startswith("ok: 7 published claims")


def test_audit_lists_what_a_damaged_site_lost(repo_site: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    from tests.conftest import ROOT

    damaged = tmp_path / "site"
    shutil.copytree(repo_site, damaged)
    shutil.rmtree(damaged / "claims" / "mayadin-t2-naechste-ziele")
    page = damaged / "claims" / "russische-luftangriffe-mayadin" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('href="http://tass.com/defense/969804"', 'href="#"'),
                    encoding="utf-8")
    (damaged / "feed.xml").unlink()
    monkeypatch.chdir(ROOT)
    code, _out, err = run_cli(capsys, "audit", str(damaged))
    assert code == 1
    assert "claims/mayadin-t2-naechste-ziele: page missing" in err
    assert "claims/russische-luftangriffe-mayadin: evidence link http://tass.com/defense/969804 missing" in err
    assert "feed.xml: export missing" in err
    assert "claims/mayadin-t2-naechste-ziele/embed/index.html: export missing" in err  # went with its folder
    assert err.rstrip().endswith("4 problems: the site does not show every record fully")


def test_render_writes_nothing_when_records_are_broken(mini: Path, tmp_path: Path, capsys) -> None:
    edit(mini / "claims" / "rathaus-blau.yml", "verdict: falsch", "verdict: gelogen")
    out = tmp_path / "out"
    code, _o, err = run_cli(capsys, "--content", str(mini), "render", str(out))
    assert code == 1 and "verdict: 'gelogen' is not a verdict" in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["content"]  # no staging folder left behind


def test_render_replaces_its_output_only_when_complete(mini: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert run_cli(capsys, "--content", str(mini), "render", str(out))[0] == 0
    assert (out / "claims" / "rathaus-blau.md").is_file() and (out / "about.md").is_file()
    assert not list(out.rglob("*.yml")), "records are not part of the rendered tree"
    code, _o, err = run_cli(capsys, "--content", str(mini), "render", str(out))
    assert code == 1 and "output folder exists" in err
    edit(mini / "claims" / "rathaus-blau.yml", "verdict: falsch", "verdict: gelogen")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    assert run_cli(capsys, "--content", str(mini), "render", str(out), "--force")[0] == 1
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


XSS = {
    "summary": "<img src=x onerror=\"window.__xss='summary'\">",
    "analysis": "<script>window.__xss='analysis'</script>\n\n[klick](javascript:window.__xss='link')\n\n"
                "<svg onload=\"window.__xss='svg'\"></svg> <iframe src=\"javascript:parent.__xss='iframe'\"></iframe>",
    "text": "</script><script>window.__xss='jsonld'</script><!--",
    "note": "\" onmouseover=\"window.__xss='attr'\" x=\"",
}


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xss")
    content = root / "content"
    shutil.copytree(MINI, content)
    claim = content / "claims" / "regen-zwoelf-stunden.yml"
    _set(claim, "summary", XSS["summary"])
    _set(claim, "note", XSS["note"])
    _set(claim, "text", XSS["text"])
    _set(content / "claims" / "rathaus-blau.yml", "summary", XSS["analysis"])
    text = claim.read_text(encoding="utf-8").replace("  Der Wetterdienst maß **acht** Stunden Regen.",
                                                      "  " + XSS["analysis"].replace("\n", "\n  "))
    claim.write_text(text, encoding="utf-8")
    _set(content / "claimants" / "tagblatt.yml", "name", "Tag\" onclick=\"window.__xss='name'\" blatt")
    _set(content / "site.yml", "intro", XSS["analysis"])
    edit(content / "articles" / "tagblatt-2020-01-01.yml", "Alle Straßen", "<b onclick=x>Alle</b> Straßen")
    edit(content / "claims" / "strassen-trocken.yml", "quote: Alle Straßen", "quote: <b onclick=x>Alle</b> Straßen")
    return build_content(content, root, extra_config="")


@pytest.mark.browser
def test_payloads_run_no_script_in_chromium(xss_site: Path) -> None:
    pages = sorted(p.relative_to(xss_site).parent.as_posix() for p in xss_site.rglob("index.html"))
    assert len(pages) > 20
    with serve(xss_site) as base, browser() as chromium:
        page = chromium.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in pages:
            url = base + ("" if path == "." else path + "/")
            page.goto(url, wait_until="load", timeout=15000)
            for link in page.locator("a[href^='javascript:' i], [onclick], [onerror], [onload], [onmouseover]").all():
                pytest.fail(f"{url}: hostile attribute survived: {link.evaluate('e => e.outerHTML')[:200]}")
            page.hover("h1")
            assert page.evaluate("window.__xss") is None, f"{url}: payload ran"
        assert dialogs == []
        page.close()


def test_hostile_article_text_is_shown_as_text(xss_site: Path) -> None:
    html = (xss_site / "articles" / "tagblatt-2020-01-01" / "index.html").read_text(encoding="utf-8")
    assert "&lt;b onclick=x&gt;Alle&lt;/b&gt; Straßen" in html
    assert "<b onclick" not in html


def test_build_refuses_javascript_urls_before_writing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    record = project / "content" / "claims" / "raqqa-abzugsverhandlungen.yml"
    text = record.read_text(encoding="utf-8")
    first = text.index("url: ")
    record.write_text(text[:first] + "url: javascript:alert(1)\n" + text[text.index("\n", first) + 1:], encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, env=mkdocs_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "'javascript:alert(1)' is not an http(s) URL; links must start with https:// or http://" in result.stderr
    assert not (project / "site").exists()
