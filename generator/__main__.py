"""``python -m generator`` is the same as the ``factcheck`` command."""

from .cli import main

raise SystemExit(main())
