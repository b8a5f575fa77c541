"""Allow ``python -m envtui``."""

from envtui.cli import main

raise SystemExit(main())
