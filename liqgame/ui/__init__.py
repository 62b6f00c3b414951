"""liqgame's terminal UI (Textual).

Entry point :func:`liqgame.ui.app.run_app`; :class:`liqgame.ui.app.LiqApp` doubles as the app
factory for tests.  Layout of the package:

* ``runner``      the game clock: owns the Game and its lock, steps ticks on a worker thread
* ``chartdata``   braille price chart + liquidation heatmap (pure, no Textual)
* ``draft``       the order ticket's text fields -> engine orders (pure)
* ``*_screen``    one module per screen: menu (and new game), play, post-mortem, session end,
                  scores, help (lessons_screen belongs to the lessons package's author)
* ``chart``, ``ticket``, ``panels``, ``feed``  the play screen's widgets
* styles live in ``assets/styles/liqgame.tcss``, the glossary in ``assets/glossary.json``
"""
