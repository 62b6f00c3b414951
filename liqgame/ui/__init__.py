"""liqgame's terminal UI (Textual).

Entry point :func:`liqgame.ui.app.run_app`; :class:`liqgame.ui.app.LiqApp` doubles as the app
factory for tests.  Layout of the package:

* ``app``, ``base``, ``runner``, ``messages``, ``palette``  the app, the screens' base, the game clock
  (owns the Game and its lock, steps ticks on a worker thread), its messages and the theme's colours
* ``screens/``  one module per screen: menu (and new game), play (games, lessons and replays), post-mortem,
  session end, scores, help, lessons, welcome, and the small dialogs
* ``widgets/``  the play screen's widgets: chart, ticket, panels, feed
* ``views/``    Textual-free: what the screens show, computed from the engine's public face (chart and
  heatmap text, the ticket's draft, the post-mortem's story, event wording, formats, the glossary)
* styles live in ``assets/styles/liqgame.tcss``, the glossary in ``assets/glossary.json``

The layer rules (views never import Textual, widgets never import screens, all of it uses only
``liqgame.engine``'s public face) are enforced by ``tests/test_layers.py``.
"""
