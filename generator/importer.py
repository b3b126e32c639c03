"""``factcheck import claimreview FILE``: ClaimReview JSON → claim (and claimant) YAML records."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``import`` command to the CLI."""
