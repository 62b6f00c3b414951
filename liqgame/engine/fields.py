"""One check for a number read from a JSON file (scenarios, shocks, actions, lessons).

The caller names the field and raises its own error type; this says what is wrong with the value.

>>> number(3, lo=1, hi=5), number(2.0, whole=True)
(3, 2)
>>> number(True)
Traceback (most recent call last):
...
liqgame.engine.fields.FieldError: must be a number, got True
>>> number(9, lo=1, hi=5)
Traceback (most recent call last):
...
liqgame.engine.fields.FieldError: must be between 1 and 5, got 9
"""

from __future__ import annotations

import math


class FieldError(ValueError):
    """What is wrong with a value, without the field's name (the caller adds it)."""


def number(value, *, lo=None, hi=None, whole: bool = False):
    """``value`` if it is a finite JSON number within [lo, hi] (an int when ``whole``), else FieldError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(f"must be a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(f"must be a finite number, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise FieldError(f"must be between {lo} and {hi}, got {value!r}")
    if whole:
        if value != int(value):
            raise FieldError(f"must be a whole number, got {value!r}")
        return int(value)
    return value
