"""Price and equity charts drawn with braille dots, plus the liquidation heatmap column.

Pure functions (numpy and Rich ``Text``, no Textual) so they are cheap to test and can run
on the runner's thread:

* :func:`build_price_chart` turns the game's per-second price history into one value per
  braille dot column, picks a y-range centred on the mark (so the heatmap's buckets line
  up with the rows) and collects the player's price lines (entry, liquidation, stops);
  given the game's tape it also adds two strips under the price: the notional liquidated
  in each column (red: longs, green: shorts) and the depth of the book (how much it takes
  to move the price 1 %, against its normal depth) — a cascade shows as the depth strip
  emptying while the liquidation strip fills;
* :func:`render_chart` draws a :class:`ChartData` into ``height`` lines of ``width`` cells.

A braille cell holds 2 x 4 dots, so a 60 x 20 plot shows 120 points at 80 price levels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from rich.text import Text

from ...engine import TICKS_PER_USD

SPD_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600)
MAX_WINDOW_S = 8 * 3600
HEAT_W = 9  # cells for the heatmap column
MIN_HALF_RANGE = 0.006  # the y-range is at least +-0.6 % of the mark (room for the heatmap)
MARKER_REACH = 0.03  # price lines further than this (or 3x the spread) are pinned to the edge
# braille dot bits, [row][column] inside one cell
_BRAILLE = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int64)
_EIGHTHS = " ▏▎▍▌▋▊▉█"
_BARS = " ▁▂▃▄▅▆▇█"
STRIP_ROWS = 2  # liquidations, depth
MIN_ROWS_FOR_STRIPS = 10  # a smaller chart keeps every row for the price
_ROLE_ORDER = ("liq", "bankrupt", "fill", "entry", "stop", "tp", "limit")


@dataclass(frozen=True)
class Marker:
    """A horizontal price line with a short label (LIQ, ENTRY, SL, TP, ...)."""

    label: str
    price: float
    role: str


@dataclass(frozen=True, eq=False)  # identity equality: numpy fields (and cheap reactive checks)
class ChartData:
    values: np.ndarray  # one value per dot column, oldest first (left-aligned)
    lo: float
    hi: float
    last: float | None = None  # the current value, highlighted on the axis
    markers: tuple[Marker, ...] = ()
    heat_longs: np.ndarray | None = None  # liquidation notional per row, top row first
    heat_shorts: np.ndarray | None = None
    seconds_per_point: int = 1
    decimals: int = 1
    extra: dict = field(default_factory=dict)
    liq_longs: np.ndarray | None = None  # USD liquidated per point (same points as values)
    liq_shorts: np.ndarray | None = None
    depth: np.ndarray | None = None  # thinner side of the book per point (BTC per 1 %)
    depth_normal: float = 1.0  # the depth of a quiet book: a full bar
    candles: np.ndarray | None = None  # (n, 4) open, high, low, close per character cell: drawn instead of the line

    @property
    def strips(self) -> bool:
        return self.depth is not None


def seconds_per_point(elapsed: int, points: int) -> int:
    """The smallest step from SPD_STEPS that fits the whole session (up to 8 h) in ``points``."""
    need = min(max(elapsed, 0) + 1, MAX_WINDOW_S)
    for s in SPD_STEPS:
        if points * s >= need:
            return s
    return SPD_STEPS[-1]


def sample(series: np.ndarray, spd: int, points: int) -> np.ndarray:
    """Every ``spd``-th value ending with the latest one, at most ``points`` of them."""
    if len(series) == 0:
        return series
    out = series[::-1][::spd][::-1]
    return out[-points:]


def centered_range(center: float, values: np.ndarray, markers=()) -> tuple[float, float]:
    """A y-range centred on ``center`` that holds the values and the nearby price lines.

    A price line is fitted in when it is within 3 % or 3x the prices' own spread (a 50x
    liquidation price always is); a far one (10x) is pinned to the edge with an arrow
    rather than flattening the price line.
    """
    dev = float(np.abs(values - center).max()) if len(values) else 0.0
    reach = max(dev * 3, center * MARKER_REACH)
    for m in markers:
        if m.price > 0 and abs(m.price - center) <= reach:
            dev = max(dev, abs(m.price - center))
    half = max(dev * 1.08, center * MIN_HALF_RANGE, 0.5)
    return center - half, center + half


def fit_range(values: np.ndarray, markers=()) -> tuple[float, float]:
    """A y-range around the data (for equity curves and the post-mortem's mark path)."""
    pts = [float(v) for v in values] + [m.price for m in markers if math.isfinite(m.price)]
    if not pts:
        return 0.0, 1.0
    lo, hi = min(pts), max(pts)
    pad = max((hi - lo) * 0.08, abs(hi) * 0.0005, 0.5)
    return lo - pad, hi + pad


def build_price_chart(history: list, elapsed: int, points: int, rows: int, mark: float, markers=(),
                      heatmap=None, tape=None, depth_normal: float = 1.0, candles: bool = False) -> ChartData:
    """Chart data from ``Game.price_history`` (tuples of index, last, mark in 0.1 USD ticks).

    ``heatmap(span, buckets)`` returns the crowd's liquidation heatmap for the chosen range
    (or None); it is called once, with one bucket per price row.  ``tape`` (``Game.tape``)
    adds the liquidation and depth strips when there are rows enough for them.
    """
    points, rows = max(points, 2), max(rows, 2)
    spd = seconds_per_point(elapsed, points)
    tail = history[-(points * spd):]
    last = np.fromiter((p[1] for p in tail), dtype=np.float64, count=len(tail)) / TICKS_PER_USD
    values = sample(last, spd, points)
    ohlc = ohlc_cells(last, 2 * spd, points // 2) if candles else None
    lo, hi = centered_range(mark, values if ohlc is None else ohlc[:, 1:3].ravel(), markers)
    strips = tape is not None and rows >= MIN_ROWS_FOR_STRIPS and len(values) > 0
    price_rows = rows - STRIP_ROWS if strips else rows
    longs = shorts = None
    if heatmap is not None:
        h = heatmap((hi - lo) / 2 / mark, price_rows)
        if h is not None:
            longs, shorts = np.asarray(h.longs)[::-1], np.asarray(h.shorts)[::-1]
    data = ChartData(values, lo, hi, float(values[-1]) if len(values) else mark, tuple(markers),
                     longs, shorts, spd, candles=ohlc)
    if not strips:
        return data
    n = len(values)
    depth = np.minimum(np.asarray(tape.depth_bid), np.asarray(tape.depth_ask))
    return replace(data, liq_longs=per_point(np.asarray(tape.liq_long), spd, n, np.add),
                   liq_shorts=per_point(np.asarray(tape.liq_short), spd, n, np.add),
                   depth=per_point(depth, spd, n, np.minimum), depth_normal=depth_normal)


def ohlc_cells(per_second: np.ndarray, seconds: int, n: int) -> np.ndarray:
    """Open, high, low, close of the last ``n`` spans of ``seconds`` (the newest span ends now).

    >>> ohlc_cells(np.array([1.0, 3.0, 2.0, 5.0, 4.0]), 2, 2).tolist()
    [[3.0, 3.0, 2.0, 2.0], [5.0, 5.0, 4.0, 4.0]]
    """
    if len(per_second) == 0 or n <= 0:
        return np.empty((0, 4))
    k = min(n, -(-len(per_second) // seconds))
    tail = per_second[-k * seconds:]
    pad = k * seconds - len(tail)
    spans = np.concatenate([np.full(pad, tail[0]), tail]).reshape(k, seconds)
    return np.column_stack([spans[:, 0], spans.max(axis=1), spans.min(axis=1), spans[:, -1]])


def per_point(per_second: np.ndarray, spd: int, n: int, reduce) -> np.ndarray:
    """``reduce`` over the ``spd`` seconds that end at each of the last ``n`` sampled points (the
    points of :func:`sample`: the latest second, and every ``spd``-th second before it)."""
    ends = len(per_second) - 1 - spd * np.arange(n - 1, -1, -1)
    starts = np.maximum(ends - spd + 1, 0)
    out = reduce.reduceat(per_second, starts)
    return np.asarray(out, dtype=np.float64)


def series_chart(values, markers=(), decimals: int = 1, seconds_per_point: int = 1,
                 last: float | None = None) -> ChartData:
    """Chart data for any series (equity curve, mark path) fitted to its own range."""
    arr = np.asarray(values, dtype=np.float64)
    lo, hi = fit_range(arr, markers)
    return ChartData(arr, lo, hi, last if last is not None else (float(arr[-1]) if len(arr) else None),
                     tuple(markers), None, None, seconds_per_point, decimals)


# ---------------------------------------------------------------------------- drawing

def heat_width(width: int) -> int:
    """Cells for the heatmap column: full from 70 cells, narrow from 34, none below."""
    return HEAT_W if width >= 70 else 5 if width >= 34 else 0


def _label(v: float, decimals: int) -> str:
    return f"{v:,.{decimals}f}"


def _downsample(values: np.ndarray, n: int) -> np.ndarray:
    """At most ``n`` points: the last value of each of n equal slices (keeps the latest value)."""
    if len(values) <= n:
        return values
    idx = np.linspace(0, len(values) - 1, n).round().astype(int)
    return values[idx]


def _dots(values: np.ndarray, lo: float, hi: float, rows: int, cols: int) -> np.ndarray:
    """Braille code points (rows x cols) of the line through ``values``."""
    dh, dw = rows * 4, cols * 2
    vals = _downsample(values, dw)
    grid = np.zeros((dh, dw), dtype=bool)
    if len(vals):
        y = np.clip(np.round((hi - vals) / (hi - lo) * (dh - 1)), 0, dh - 1).astype(int)
        prev = y[0]
        for x, yy in enumerate(y):
            # span from the previous point so steep moves stay one connected line
            a, b = (prev, yy) if prev <= yy else (yy, prev)
            grid[a: b + 1, x] = True
            prev = yy
    cells = grid.reshape(rows, 4, cols, 2)
    return (cells * _BRAILLE[None, :, None, :]).sum(axis=(1, 3))


def _row_of(price: float, lo: float, hi: float, rows: int) -> tuple[int, str]:
    """Row of a price line; off-range lines are pinned to the edge with an arrow."""
    if price > hi:
        return 0, "↑"
    if price < lo:
        return rows - 1, "↓"
    return min(int((hi - price) / (hi - lo) * rows), rows - 1), ""


def _heat_cells(value: float, scale: float, width: int) -> tuple[int, int]:
    eighths = int(round(value / scale * width * 8)) if scale > 0 else 0
    return divmod(min(eighths, width * 8), 8)


def _heat_bar(longs: float, shorts: float, scale: float, width: int, palette: dict) -> Text:
    text = Text()
    for value, role in ((longs, "heat_longs"), (shorts, "heat_shorts")):
        full, part = _heat_cells(value, scale, width - text.cell_len)
        if full or part:
            text.append("█" * full + (_EIGHTHS[part] if part else ""), palette[role])
    text.pad_right(width - text.cell_len)
    return text


def render_chart(data: ChartData | None, width: int, height: int, palette: dict) -> list[Text]:
    """``height`` lines of at most ``width`` cells: plot | axis labels | heatmap."""
    if data is None or width < 20 or height < 3 or not data.hi > data.lo:
        msg = Text("waiting for prices…" if data is None else "(too small for a chart)", palette["axis"])
        return [msg] + [Text("")] * (max(height, 1) - 1)
    strips = data.strips and height >= MIN_ROWS_FOR_STRIPS
    rows = height - STRIP_ROWS if strips else height
    lo, hi, dec = data.lo, data.hi, data.decimals
    heat_w = heat_width(width) if data.heat_longs is not None else 0
    heat = heat_w > 0
    axis_w = max(len(_label(hi, dec)), len(_label(lo, dec))) + 2
    cols = width - axis_w - heat_w
    if data.candles is not None:
        plot = _candles(data.candles, lo, hi, rows, cols, palette)
    else:
        codes = _dots(np.asarray(data.values, dtype=np.float64), lo, hi, rows, cols)
        plot = [[(chr(0x2800 + int(c)) if c else " ", palette["line"]) for c in row] for row in codes]
    lines: dict[int, tuple[Marker, str]] = {}
    for role in _ROLE_ORDER:
        for m in data.markers:
            if m.role == role and m.price > 0 and math.isfinite(m.price):
                r, arrow = _row_of(m.price, lo, hi, rows)
                lines.setdefault(r, (m, arrow))
    last_row = _row_of(data.last, lo, hi, rows)[0] if data.last is not None else -1
    tick_every = max(3, rows // 6)
    scale = 0.0
    if heat:
        scale = float(np.max(data.heat_longs + data.heat_shorts)) if len(data.heat_longs) else 0.0
    out = []
    for r in range(rows):
        out.append(_row(r, plot[r], lines.get(r), r == last_row, tick_every, data, rows, axis_w, palette))
        if heat:
            hl = float(data.heat_longs[r]) if r < len(data.heat_longs) else 0.0
            hs = float(data.heat_shorts[r]) if r < len(data.heat_shorts) else 0.0
            out[-1].append_text(_heat_bar(hl, hs, scale, heat_w, palette))
    if strips:
        out += _strips(data, cols, axis_w, width, palette)
    return out


def _cells(per_point: np.ndarray, cols: int, reduce) -> np.ndarray:
    """Per-point values drawn the way the price dots are (two points to a cell, left-aligned)."""
    v = _downsample(np.asarray(per_point, dtype=np.float64), cols * 2)
    if len(v) % 2:
        v = np.append(v, v[-1] if reduce is np.minimum else 0.0)
    return reduce.reduceat(v, np.arange(0, len(v), 2)) if len(v) else v


def _bar_row(values: np.ndarray, scale: float, styles, cols: int) -> Text:
    """One cell per value: a bar of eighths, full at ``scale``."""
    text = Text()
    for v, style in zip(values, styles):
        k = int(round(min(max(v / scale, 0.0), 1.0) * 8)) if scale > 0 else 0
        text.append(_BARS[k] if k else " ", style)
    text.pad_right(cols - text.cell_len)
    return text


def _strips(data: ChartData, cols: int, axis_w: int, width: int, palette: dict) -> list[Text]:
    """Liquidated notional per cell (red longs, green shorts; scaled to the largest burst) and the book's
    depth per cell (full bar = a normal book; it empties in a cascade)."""
    longs, shorts = _cells(data.liq_longs, cols, np.add), _cells(data.liq_shorts, cols, np.add)
    total = longs + shorts
    peak = float(total.max()) if len(total) else 0.0
    liq_styles = [palette["heat_longs"] if lg >= sh else palette["heat_shorts"] for lg, sh in zip(longs, shorts)]
    liq = _bar_row(total, peak, liq_styles, cols)
    liq.append((f" liq {_short_usd(peak)}" if peak > 0 else " liq").ljust(axis_w)[:axis_w], palette["axis"])
    depth = _cells(data.depth, cols, np.minimum)
    bar = _bar_row(depth, data.depth_normal, [palette["depth"]] * len(depth), cols)
    now = float(depth[-1]) if len(depth) else 0.0
    bar.append(f" depth {now / data.depth_normal:.0%}".ljust(axis_w)[:axis_w], palette["axis"])
    return [t[:width] if t.cell_len > width else t for t in (liq, bar)]


def _short_usd(v: float) -> str:
    return f"{v / 1e6:.1f}M" if v >= 1e6 else f"{v / 1e3:.0f}k"


def _candles(ohlc: np.ndarray, lo: float, hi: float, rows: int, cols: int, palette: dict) -> list[list]:
    """(glyph, style) cells of candles, one per column, oldest first: body █, wick │, up green, down red."""
    grid = [[(" ", None)] * cols for _ in range(rows)]
    band = (hi - lo) / rows
    for x, (o, h, low, c) in enumerate(ohlc[-cols:]):
        style = palette["good"] if c >= o else palette["bad"]
        body_lo, body_hi = min(o, c), max(o, c)
        for r in range(rows):
            top = hi - r * band
            bottom = top - band
            if body_lo <= top and body_hi >= bottom:
                grid[r][x] = ("█", style)
            elif low <= top and h >= bottom:
                grid[r][x] = ("│", style)
    return grid


def _row(r: int, cells: list, line, is_last: bool, tick_every: int, data: ChartData, rows: int,
         axis_w: int, palette: dict) -> Text:
    """One row: the plot's (glyph, style) cells, a price line with its tag over the blanks, the axis."""
    text = Text()
    if line is not None:
        m, arrow = line
        style = palette.get(m.role, palette["axis"])
        tag = f"{m.label}{arrow} {_label(m.price, data.decimals)}"
        cells = [("─", style) if g == " " else (g, st) for g, st in cells]
        start = 1 if len(cells) > len(tag) + 2 else 0
        for k, ch in enumerate(tag[: max(len(cells) - start, 0)]):
            cells[start + k] = (ch, style)
    run, run_style = [], None
    for glyph, style in cells:  # runs of one style: a few segments per row, not one per cell
        if run and style != run_style:
            text.append("".join(run), run_style)
            run = []
        run.append(glyph)
        run_style = style
    if run:
        text.append("".join(run), run_style)
    centre = data.hi - (r + 0.5) * (data.hi - data.lo) / rows
    if is_last and data.last is not None:
        label = _label(data.last, data.decimals).rjust(axis_w - 1)
        text.append(" ")
        text.append(label, palette["last"])
    elif r % tick_every == tick_every // 2:
        text.append(" " + _label(centre, data.decimals).rjust(axis_w - 1), palette["axis"])
    else:
        text.append(" " * axis_w)
    return text


DEFAULT_PALETTE = {
    "line": "#4fb3ff", "axis": "#808080", "last": "reverse bold", "entry": "#e0c000", "liq": "bold #ff4040",
    "bankrupt": "#c06060", "fill": "#c080ff", "stop": "#ff80c0", "tp": "#40d080", "limit": "#80c0ff",
    "heat_longs": "#d04040", "heat_shorts": "#30b060", "depth": "#6080a0", "good": "#30b060", "bad": "#d04040",
}
