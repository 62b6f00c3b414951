"""Exogenous BTC index price at 1 s game-time resolution.

Log returns per tick are

    r_t = m_slow * (m_regime * sqrt(h_t) * z_t + J_t - E[J_t])        (clamped to +-max_log_return)

* ``z_t``: Student-t shocks standardised to unit variance (fat tails within a tick).
* ``h_t``: GJR-GARCH(1,1) variance driven by ``z_t`` (volatility clustering over tens of minutes).
* ``m_regime``: 2-state Markov chain, calm (1) or stressed (``stressed_vol_mult``); stressed spells last
  hours, which stretches the clustering beyond the GARCH half-life (slow, nearly power-law decay of |r| ACF).
* ``J_t``: compound Poisson jumps, exponential sizes, down jumps larger. Jumps are more frequent when stressed
  and every jump puts the market in the stressed regime, so jumps and turbulence cluster together. Their
  expected value is taken out again every tick: the skew stays, a drift does not (uncompensated, the larger
  down jumps would pull the index down about 0.6 % a day).
* ``m_slow``: a slow volatility component (half-life of days): ``log q`` is an AR(1) driven by the tick's
  ``|z|`` (an EGARCH-style news impact) and by :meth:`IndexProcess.excite` (the market feeds it liquidation
  volume), normalised so ``E[q] = 1``; ``m_slow = sqrt(q)``. The regimes and the GARCH forget within hours,
  this is what makes a wild day more likely after a wild day.

There is no scheduled drift: scenarios move the price with order flow (:mod:`shocks`), never with a drawn
path.

Why this shape: at 1 s a sum of 60 Student-t shocks is nearly Gaussian, so the fat tails of 1-minute returns
must come from volatility that varies at minute-to-hour scales (GARCH + regimes) and from jumps. The long-run
variance is normalised so that ``annual_vol`` is the unconditional volatility *including* regimes, jumps and
the slow component.

Pure and deterministic: all randomness comes from the ``numpy.random.Generator`` passed in, drawn in blocks;
the per-tick recursion runs on plain Python floats (about 0.6 µs per step).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

SECONDS_PER_YEAR = 365 * 86_400  # BTC trades around the clock
_BLOCK = 4096  # random numbers drawn per refill
_MIN_LOG_PRICE = math.log(1e-4)  # hard price bounds: the engine's integer money units must never see 0 or inf
_MAX_LOG_PRICE = math.log(1e7)  # 10M USD: risk.MAX_PRICE_TICKS, which keeps integer money inside int64


@dataclass(frozen=True)
class IndexParams:
    """Parameters of the index process. GARCH, regime and jump figures are per SECOND of game time.

    Calibration (chosen by experiment over 50 seeds x 3 game days, see bench/index_process.py; the facts are
    checked on 1-minute returns):

    * persistence alpha + gamma/2 + beta = 0.9998: a volatility shock halves in ln2/2e-4 s, about 58 min.
      Per-second GARCH needs persistence this close to 1, otherwise shocks are forgotten within a minute and
      1-minute returns show neither clustering nor fat tails (60 summed t shocks are almost Gaussian).
    * alpha = 0.005: vol-of-vol. It sets the tail of the variance distribution and so of 1-minute returns:
      0.012 gave Hill indices 1.2-2.6 and erratic realised vol over 3 days; 0.005 gives Hill ~2.9 (2.0-3.8),
      BTC-like (about 3 in recent data), with |r| ACF still ~0.17 at a 10-minute lag.
    * gamma = 0.002: a small leverage effect (weak for BTC).
    * Regimes: calm spells would average 24 h and stressed spells 3 h at 2x volatility, but every jump also
      starts a stressed spell, so at the defaults the market is stressed ~38 % of the time: calm diffusive
      vol ~40 %/yr, stressed ~80 %/yr. Spells of hours add the slow part of the |r| ACF decay.
    * Jumps: 4 a day when calm, x3 when stressed (~7 a day overall), mean size 3.3 one-minute sigmas (0.3 % at
      65 %/yr; down jumps 1.5x larger, 55 % of jumps down), ~18 % of total variance. They give most of the
      1-minute excess kurtosis (median ~30). Sizes are in sigma units so ``annual_vol`` rescales every return
      and leaves the shape of the distribution unchanged.
    * Slow component: ``slow_vol`` is the standard deviation of ``log q`` (q = the variance multiplier), with
      a half-life of ``slow_half_life_days``. 0.8 and 3 days make quiet and wild weeks (realised vol about
      x0.5 to x2 of the mean) and a daily |r| autocorrelation of about 0.2 at lag 1 over 90-day samples
      (bench/market_realism.py); ``slow_vol = 0`` switches it off.
    """

    annual_vol: float = 0.65
    alpha: float = 0.005
    gamma: float = 0.002
    beta: float = 0.9938  # persistence alpha + gamma/2 + beta = 0.9998
    nu: float = 4.5
    jump_rate_per_day: float = 4.0  # in the calm regime
    jump_scale: float = 3.3  # mean |log jump| of an up jump, in long-run 1-minute sigmas (0.3 % at 65 %/yr)
    jump_down_prob: float = 0.55
    jump_down_mult: float = 1.5  # down jumps are this much larger on average
    stressed_prob: float = 1.0 / (24 * 3600)  # per second, calm -> stressed (mean calm spell 24 h)
    calm_prob: float = 1.0 / (3 * 3600)  # per second, stressed -> calm (mean stressed spell 3 h)
    stressed_vol_mult: float = 2.0
    stressed_jump_mult: float = 3.0
    max_var_mult: float = 400.0  # cap GARCH variance at this multiple of its mean (vol at most 20x)
    max_log_return: float = 0.25  # clamp per-tick log return (no zero or overflowing prices)
    slow_vol: float = 0.8  # std of log of the slow variance multiplier
    slow_half_life_days: float = 3.0

    def __post_init__(self) -> None:
        if self.annual_vol <= 0:
            raise ValueError("annual_vol must be > 0")
        if self.nu <= 2:
            raise ValueError("nu must be > 2 (finite variance)")
        if min(self.alpha, self.gamma, self.beta) < 0 or self.persistence >= 1:
            raise ValueError("GARCH needs alpha, gamma, beta >= 0 and alpha + gamma/2 + beta < 1")
        if self.slow_vol < 0 or self.slow_half_life_days <= 0:
            raise ValueError("slow_vol must be >= 0 and slow_half_life_days > 0")
        for name in ("jump_down_prob", "stressed_prob", "calm_prob"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be a probability")

    @property
    def persistence(self) -> float:
        """GJR-GARCH persistence alpha + gamma/2 + beta (symmetric shocks)."""
        return self.alpha + self.gamma / 2 + self.beta

    def scaled(self, **changes) -> IndexParams:
        """A copy with some fields replaced, e.g. ``params.scaled(annual_vol=1.2)``."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class _TickParams:
    """IndexParams converted to one tick of dt seconds (diffusion-limit scaling of the GARCH)."""

    omega: float
    alpha: float
    gamma: float
    beta: float
    h_mean: float
    h_max: float
    jump_mean: float
    jump_drift_calm: float  # minus the expected jump per tick: down jumps are larger, the path must not drift
    jump_drift_stressed: float
    p_jump_calm: float
    p_jump_stressed: float
    p_to_stressed: float
    p_to_calm: float
    t_scale: float
    slow_decay: float  # per-tick AR(1) factor of log q
    slow_gain: float  # per-tick weight of (|z| - E|z|) in log q
    slow_mean_abs_z: float
    slow_offset: float  # -slow_vol^2 / 2: E[q] = 1


def _abs_t_moments(nu: float) -> tuple[float, float]:
    """E|z| and Var|z| of a Student-t with nu degrees of freedom standardised to unit variance."""
    log_ratio = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2)
    mean_abs = 2 * math.sqrt(nu) * math.exp(log_ratio) / (math.sqrt(math.pi) * (nu - 1)) * math.sqrt((nu - 2) / nu)
    return mean_abs, 1.0 - mean_abs**2


def _slow_params(p: IndexParams, dt: float) -> tuple[float, float, float, float]:
    """AR(1) constants of log q so that its stationary standard deviation is slow_vol."""
    decay = 0.5 ** (dt / (p.slow_half_life_days * 86_400))
    mean_abs, var_abs = _abs_t_moments(p.nu)
    gain = p.slow_vol * math.sqrt((1.0 - decay**2) / var_abs)
    return decay, gain, mean_abs, -0.5 * p.slow_vol**2


def _tick_params(p: IndexParams, dt: float) -> _TickParams:
    """Per-tick constants. Mean reversion scales with dt, vol-of-vol (alpha, gamma) with sqrt(dt), so a
    coarser tick keeps the same half-life and roughly the same clustering. Exact at dt = 1."""
    theta = (1.0 - p.persistence) * dt
    alpha, gamma = p.alpha * math.sqrt(dt), p.gamma * math.sqrt(dt)
    beta = 1.0 - theta - alpha - gamma / 2
    if beta < 0:
        raise ValueError(f"dt_seconds={dt} too coarse for these GARCH parameters")

    def per_tick(prob_per_s: float) -> float:
        return 1.0 - (1.0 - prob_per_s) ** dt

    p_jump_calm = min(1.0, p.jump_rate_per_day * dt / 86_400)
    p_jump_stressed = min(1.0, p_jump_calm * p.stressed_jump_mult)
    p_to_stressed = per_tick(p.stressed_prob)
    p_to_calm = per_tick(p.calm_prob)
    jump_mean = p.jump_scale * p.annual_vol * math.sqrt(60 / SECONDS_PER_YEAR)
    h_mean = _garch_mean_variance(p, dt, jump_mean, p_jump_calm, p_jump_stressed, p_to_stressed, p_to_calm)
    slow_decay, slow_gain, slow_mean_abs_z, slow_offset = _slow_params(p, dt)
    mean_jump = jump_mean * (1.0 - p.jump_down_prob * (1.0 + p.jump_down_mult))  # E[log jump | a jump]
    return _TickParams(
        omega=h_mean * theta,
        alpha=alpha,
        gamma=gamma,
        beta=beta,
        h_mean=h_mean,
        h_max=h_mean * p.max_var_mult,
        jump_mean=jump_mean,
        jump_drift_calm=-p_jump_calm * mean_jump,
        jump_drift_stressed=-p_jump_stressed * mean_jump,
        p_jump_calm=p_jump_calm,
        p_jump_stressed=p_jump_stressed,
        p_to_stressed=p_to_stressed,
        p_to_calm=p_to_calm,
        t_scale=math.sqrt((p.nu - 2) / p.nu),
        slow_decay=slow_decay,
        slow_gain=slow_gain,
        slow_mean_abs_z=slow_mean_abs_z,
        slow_offset=slow_offset,
    )


def _garch_mean_variance(p: IndexParams, dt: float, jump_mean: float, pj_calm: float, pj_stressed: float,
                         p_to_stressed: float, p_to_calm: float) -> float:
    """Long-run GARCH variance per tick such that regimes + jumps give annual_vol overall."""
    # every jump also switches calm -> stressed, so the calm -> stressed rate includes the jump rate
    to_stressed = 1.0 - (1.0 - p_to_stressed) * (1.0 - pj_calm)
    frac_stressed = to_stressed / (to_stressed + p_to_calm) if to_stressed + p_to_calm > 0 else 0.0
    mean_m2 = 1.0 - frac_stressed + frac_stressed * p.stressed_vol_mult**2
    mean_pj = (1.0 - frac_stressed) * pj_calm + frac_stressed * pj_stressed
    jump_m2 = 2.0 * jump_mean**2 * (p.jump_down_prob * p.jump_down_mult**2 + 1.0 - p.jump_down_prob)
    target = p.annual_vol**2 * dt / SECONDS_PER_YEAR
    h_mean = (target - mean_pj * jump_m2) / mean_m2
    if h_mean <= 0:
        raise ValueError("jumps alone exceed annual_vol: lower jump_rate_per_day or jump_scale")
    return h_mean


class IndexProcess:
    """The index price path, one tick (dt_seconds of game time) per :meth:`step`.

    Starts at the long-run GARCH variance in the calm regime. ``sigma`` is the current conditional
    per-tick volatility (regime and segment multipliers included, jumps excluded).
    """

    def __init__(self, params: IndexParams, rng: np.random.Generator, start_price: float,
                 dt_seconds: float = 1.0) -> None:
        if not start_price > 0 or not math.isfinite(start_price):
            raise ValueError("start_price must be a positive finite number")
        if not dt_seconds > 0:
            raise ValueError("dt_seconds must be > 0")
        self.params = params
        self.dt = float(dt_seconds)
        self._rng = rng
        self._k = _tick_params(params, self.dt)
        self._log_p = math.log(start_price)
        self._price = float(start_price)
        self._h = self._k.h_mean
        self._stressed = False
        self._t = 0
        self._z: list[float] = []
        self._u_jump: list[float] = []
        self._u_regime: list[float] = []
        self._i = 0
        # log q minus its mean offset; it starts where q = 1, so a game opens at ``annual_vol`` and drifts
        # from there (the median of q is below its mean of 1)
        self._slow = -self._k.slow_offset
        self._m_slow = 1.0

    # ----------------------------------------------------------------- public
    @property
    def price(self) -> float:
        return self._price

    @property
    def t(self) -> int:
        return self._t

    @property
    def sigma(self) -> float:
        m = self.params.stressed_vol_mult if self._stressed else 1.0
        return m * self._m_slow * math.sqrt(self._h)

    @property
    def stressed(self) -> bool:
        return self._stressed

    @property
    def slow_multiplier(self) -> float:
        """The slow component's current volatility multiplier sqrt(q) (mean of q is 1)."""
        return self._m_slow

    def excite(self, log_q: float) -> None:
        """Raise the slow variance component by ``log_q`` (the market feeds it liquidation volume); it then
        decays with the component's half-life, so a crash leaves days of higher volatility behind."""
        self._slow += log_q
        self._m_slow = math.exp(0.5 * (self._slow + self._k.slow_offset))

    def step(self) -> float:
        """Advance one tick and return the new index price."""
        i = self._i
        if i >= len(self._z):
            self._refill()
            i = 0
        self._i = i + 1
        k = self._k
        z = self._z[i]
        h = self._h
        stressed = self._stressed
        vol_mult = self.params.stressed_vol_mult if stressed else 1.0
        r = vol_mult * math.sqrt(h) * z + (k.jump_drift_stressed if stressed else k.jump_drift_calm)
        u = self._u_jump[i]
        p_jump = k.p_jump_stressed if stressed else k.p_jump_calm
        if u < p_jump:
            r += self._jump(u / p_jump)
            stressed = True
        elif self._u_regime[i] < (k.p_to_calm if stressed else k.p_to_stressed):
            stressed = not stressed
        self._stressed = stressed
        r *= self._m_slow
        slow = self._slow * k.slow_decay + k.slow_gain * ((z if z > 0.0 else -z) - k.slow_mean_abs_z)
        self._slow = slow
        self._m_slow = math.exp(0.5 * (slow + k.slow_offset))
        lim = self.params.max_log_return
        if r > lim:
            r = lim
        elif r < -lim:
            r = -lim
        log_p = self._log_p + r
        if not _MIN_LOG_PRICE < log_p < _MAX_LOG_PRICE:
            log_p = _MIN_LOG_PRICE if log_p <= _MIN_LOG_PRICE else _MAX_LOG_PRICE
        self._log_p = log_p
        self._price = math.exp(log_p)
        a = k.alpha + k.gamma if z < 0.0 else k.alpha
        h = k.omega + h * (k.beta + a * z * z)
        self._h = h if h < k.h_max else k.h_max
        self._t += 1
        return self._price

    def path(self, n: int) -> np.ndarray:
        """The next n prices (n successive step() calls)."""
        step = self.step
        return np.fromiter((step() for _ in range(n)), dtype=np.float64, count=n)

    # ---------------------------------------------------------------- helpers
    def _refill(self) -> None:
        """Draw the next block of shocks and uniforms (fixed order: same seed, same path)."""
        rng = self._rng
        self._z = (rng.standard_t(self.params.nu, _BLOCK) * self._k.t_scale).tolist()
        self._u_jump = rng.random(_BLOCK).tolist()
        self._u_regime = rng.random(_BLOCK).tolist()
        self._i = 0

    def _jump(self, u: float) -> float:
        """A jump's log size; u is uniform on [0, 1) and picks the sign, the magnitude is exponential
        (drawn here, not in blocks: jumps are rare)."""
        p = self.params
        size = self._k.jump_mean * self._rng.standard_exponential()
        return -size * p.jump_down_mult if u < p.jump_down_prob else size
