"""Fact-check publisher: YAML records → validated, cross-linked Markdown pages → MkDocs site."""

__version__ = "0.1.0"
