"""liqgame: a terminal game about leveraged bitcoin futures and where liquidated margin goes."""

__version__ = "0.1.0"
