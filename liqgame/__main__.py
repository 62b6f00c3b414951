"""``python -m liqgame``: the same as the ``liqgame`` command."""

from liqgame.commands import main

raise SystemExit(main())
