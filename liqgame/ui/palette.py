"""Rich styles for hand-drawn widgets (chart, gauges, bars), taken from the active Textual theme.

Widgets that draw with Rich ``Text`` cannot use CSS variables, so they ask for a palette at
render time; switching the theme re-renders them in the new colours.
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color


def _color(variables: dict, name: str, fallback: str):
    try:
        return Color.parse(variables.get(name, fallback)).rich_color
    except Exception:
        return Color.parse(fallback).rich_color


def palette(app) -> dict[str, Style]:
    v = getattr(app, "theme_variables", None) or app.get_css_variables()
    c = lambda name, fb: _color(v, name, fb)  # noqa: E731
    return {
        "line": Style(color=c("primary-lighten-2", "#4fb3ff")),
        "axis": Style(color=c("foreground-darken-2", "#808080")),
        "last": Style(color=c("background", "#000000"), bgcolor=c("primary-lighten-1", "#4fb3ff"), bold=True),
        "entry": Style(color=c("warning", "#e0c000")),
        "liq": Style(color=c("error-lighten-2", "#ff4040"), bold=True),
        "bankrupt": Style(color=c("error", "#c06060")),
        "fill": Style(color=c("secondary-lighten-3", "#c080ff")),
        "stop": Style(color=c("accent-lighten-2", "#ff80c0")),
        "tp": Style(color=c("success", "#40d080")),
        "limit": Style(color=c("primary-lighten-3", "#80c0ff")),
        "heat_longs": Style(color=c("error", "#d04040")),
        "heat_shorts": Style(color=c("success", "#30b060")),
        "depth": Style(color=c("primary-darken-1", "#6080a0")),
        "good": Style(color=c("success", "#30b060")),
        "bad": Style(color=c("error-lighten-1", "#d04040")),
        "warn": Style(color=c("warning", "#e0c000")),
        "muted": Style(color=c("foreground-darken-2", "#808080")),
        "bold": Style(bold=True),
        "dim_bar": Style(color=c("panel-lighten-2", "#404040")),
    }
