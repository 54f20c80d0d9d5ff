"""``python -m algmorse``: the command line."""

from .cli import main

raise SystemExit(main())
