"""``factcheck new claim|claimant|article``: write a new record with every field explained."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``new`` command to the CLI."""
