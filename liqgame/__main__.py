"""Allow ``python -m liqgame``."""

from liqgame.cli import main

raise SystemExit(main())
