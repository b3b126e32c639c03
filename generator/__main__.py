"""``python -m generator`` is the same as the ``factcheck`` command."""

from .cli import run

run()
