"""``factcheck`` (also ``python -m generator``): check records, render the docs tree, show stats.

Exit codes: 0 fine, 1 the input has problems (each printed as ``file:line: field: problem; hint``),
2 wrong usage. Any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import FactcheckError, Problem

PROGRESS_FROM = 1000
"""Long runs report progress every this many files."""
from .model import MEDIA_DIR
from .pipeline import Site, build_site, check_site
from .records import FOLDERS, SINGLE_FILES, display_path


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except FactcheckError as exc:
        print(exc.report(), file=sys.stderr)
        return 1


def run() -> None:
    """The ``factcheck`` command (and ``python -m generator``): ``main``, then exit at once.

    At 10,000 claims the interpreter's own clean-up (freeing every record, one object at a time)
    took a second, a quarter of pre-commit's ``factcheck check``. Every file a command writes is
    closed (and moved into place) before ``main`` returns, so only the standard streams and the
    log handlers are left to flush."""
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factcheck", description="Fact-check records → site pages.")
    parser.add_argument("--content", type=Path, default=Path("content"), help="records folder (default: content)")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"),
                        help="site configuration whose theme custom_dir, markdown_extensions and language "
                             "shape the pages (default: mkdocs.yml; none: the packaged defaults)")
    parser.add_argument("--cache", type=Path, default=None, metavar="DIR",
                        help="build cache of parsed records and converted Markdown, shared with `mkdocs build` "
                             "(default: .cache/factcheck beside the configuration)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the build cache")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="validate every record and cross-link; write nothing")
    check.add_argument("--against", metavar="REF", help="also compare with a git ref: renamed ids need aliases, "
                       "changed verdicts need a correction entry")
    check.set_defaults(func=cmd_check)
    render = sub.add_parser("render", help="write the complete Markdown docs tree (for engines without our plugin)")
    render.add_argument("out", type=Path, help="output folder; replaced only once the whole tree is written")
    render.add_argument("--drafts", action="store_true", help="include drafts and records in review")
    render.add_argument("--force", action="store_true", help="replace OUT if it exists")
    render.set_defaults(func=cmd_render)
    stats = sub.add_parser("stats", help="count records by kind, status and verdict")
    stats.set_defaults(func=cmd_stats)
    audit = sub.add_parser("audit", help="check that a built site shows every published record completely")
    audit.add_argument("site_dir", type=Path, help="the built site (e.g. site/)")
    audit.set_defaults(func=cmd_audit)
    schema = sub.add_parser("schema", help="write the JSON Schema of every record kind (default: schemas/)")
    schema.add_argument("out", type=Path, nargs="?", default=None)
    schema.set_defaults(func=cmd_schema)
    from .importer import register as register_import
    from .scaffold import register as register_new

    register_import(sub)
    register_new(sub)
    return parser


def _build(args: argparse.Namespace, *, include_drafts: bool) -> Site:
    """The pipeline with the site's theme settings from mkdocs.yml (templates, labels, Markdown)."""
    from .siteconfig import read

    theme, language = read(args.config)
    return build_site(args.content, include_drafts=include_drafts, theme=theme, language=language,
                      cache_dir=_cache_dir(args))


def _check(args: argparse.Namespace, *, include_drafts: bool, renditions: bool = False) -> Site:
    """Every check of a build, nothing rendered but one sample page per template (``check_site``)."""
    from .siteconfig import read

    theme, language = read(args.config)
    return check_site(args.content, include_drafts=include_drafts, theme=theme, language=language,
                      cache_dir=_cache_dir(args), renditions=renditions)


def _cache_dir(args: argparse.Namespace) -> Path | None:
    """The same folder the MkDocs plugin uses, so pre-commit's check and the build share it."""
    if args.no_cache:
        return None
    return args.cache or args.config.resolve().parent / ".cache" / "factcheck"


def cmd_check(args: argparse.Namespace) -> int:
    site = _check(args, include_drafts=True)
    if args.against:
        from .history import compare

        if problems := compare(site, args.against, args.content):
            raise FactcheckError(problems)
    print(f"ok: {site.counts()}" + (f"; nothing renamed or re-rated without a note since {args.against}" if args.against else ""))
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    out: Path = args.out
    content: Path = args.content
    if out.exists() and not args.force:
        raise FactcheckError([Problem(display_path(out), 0, "-", "output folder exists", "pass --force to replace it")])
    if out.resolve().is_relative_to(content.resolve()):
        raise FactcheckError([Problem(display_path(out), 0, "-", "output inside the content folder",
                                      "choose a folder outside content/")])
    site = _build(args, include_drafts=args.drafts)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and swap in at the end: an interrupted run leaves OUT as it was.
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        _copy_handwritten(content, staging)
        outputs = {**{uri: page.markdown().encode("utf-8") for uri, page in site.pages.items()}, **site.files}
        for done, (src_uri, data) in enumerate(sorted(outputs.items()), 1):
            target = staging / src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            if len(outputs) > PROGRESS_FROM and (done % PROGRESS_FROM == 0 or done == len(outputs)):
                print(f"  {done}/{len(outputs)} files written", file=sys.stderr, flush=True)
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the output is an ordinary folder
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"wrote {display_path(out)}: {site.summary()}")
    return 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _copy_handwritten(content: Path, dest: Path) -> None:
    """Hand-written pages and assets come along, so the tree builds with a plain ``mkdocs``."""
    for path in sorted(content.rglob("*")):
        rel = path.relative_to(content)
        if path.is_dir() or rel.parts[0] in FOLDERS or (len(rel.parts) == 1 and rel.name in SINGLE_FILES):
            continue
        if rel.parts[0] == MEDIA_DIR:  # originals may carry EXIF/GPS; the renditions are in site.files
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / rel)


def cmd_stats(args: argparse.Namespace) -> int:
    site = _check(args, include_drafts=True)
    g = site.graph
    print(site.counts())
    for key in g.verdicts:
        print(f"verdict {key}: {len(g.by_verdict[key])}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from .audit import audit, check_site_dir

    check_site_dir(args.site_dir)
    site = _check(args, include_drafts=False, renditions=True)
    missing = audit(site, args.site_dir)
    for line in missing:
        print(f"{display_path(args.site_dir)}: {line}", file=sys.stderr)
    if missing:
        print(f"{len(missing)} problem{'s' if len(missing) != 1 else ''}: the site does not show every record fully",
              file=sys.stderr)
        return 1
    published = sum(1 for c in site.graph.claims.values() if c.status == "published")
    print(f"ok: {published} published claims, each with its page, verdict, claim text and evidence links")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import write_schemas

    for path in write_schemas(args.out or Path("schemas")):
        print(f"wrote {display_path(path)}")
    return 0
