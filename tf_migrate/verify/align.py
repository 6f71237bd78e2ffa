"""Check each pair of model variables' initial values: equal, or drawn from the same distribution.

With random ops drawing from the shared stream (draws.py), a faithful migration starts from the
very values the TF1 program had, and the pair is "same" by equality. Where the values differ (the
TF2 program draws in another order), the before program's value is injected; before trusting
that, the harness checks that the after program's *own* initial values look like draws from the
same distribution, so a wrong initializer mapping (stddev 0.05 for 1.0, uniform for normal, zeros
for ones) fails instead of being hidden by the injection.

The test, per pair of samples (exact under normality, conservative for the lighter-tailed uniform
initializers; each statistic is tested at ALPHA = 1e-6, so even a model with a thousand variables
raises a false alarm about once in a thousand runs):

- both constant (std 0): the constants must be equal (to 1e-6 relative);
- one constant, the other not: a mismatch (e.g. zeros against a random initializer);
- means: Welch's t-test (unequal variances, Welch-Satterthwaite degrees of freedom);
- spreads: the F-test on the ratio of the sample variances, two-sided;
- a single element (n = 1) cannot be tested: equal values pass, others are reported untestable.

Min and max are reported for the reader, not tested: for unbounded initializers they move with n.
With few elements the tests are weak: in simulation, stddev 0.05 against 1.0 (a variance ratio
of 400) was caught 9 times in 10 at n = 8 and every time from n = 16, but almost never at n = 4,
where F(3, 3) is too wide for this false-alarm rate. That is a sampling limit, not a choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

ALPHA = 1e-6
CONSTANT_RTOL = 1e-6


@dataclass(frozen=True)
class Stats:
    n: int
    mean: float
    std: float
    min: float
    max: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Stats:
        return cls(
            n=int(data["n"]),
            mean=float(data["mean"]),
            std=float(data["std"]),
            min=float(data["min"]),
            max=float(data["max"]),
        )

    def to_dict(self) -> dict[str, float]:
        return {"n": self.n, "mean": self.mean, "std": self.std, "min": self.min, "max": self.max}


@dataclass(frozen=True)
class AlignedVariable:
    before_name: str
    after_name: str
    shape: tuple[int, ...]
    before: Stats
    after: Stats
    verdict: str  # "same", "different" or "untestable"
    why: str
    injected: bool  # the before program's value replaced the after program's own
    equal: bool = False  # the after program's own value equals the recorded one
    drawn: bool = False  # the after program drew its own value at random
    layout: str = ""  # a recurrent cell's variable: the TF1 layout its part was derived from
    folded_forget_bias: float | None = None  # equal but for this constant in the f block

    def to_dict(self) -> dict[str, Any]:
        return {
            "before_name": self.before_name,
            "after_name": self.after_name,
            "shape": list(self.shape),
            "before_stats": self.before.to_dict(),
            "after_stats": self.after.to_dict(),
            "verdict": self.verdict,
            "why": self.why,
            "injected": self.injected,
            "equal": self.equal,
            "drawn": self.drawn,
            "layout": self.layout,
            "folded_forget_bias": self.folded_forget_bias,
        }


def same_distribution(before: Stats, after: Stats) -> tuple[str, str]:
    """("same" | "different" | "untestable", explanation) for two samples' statistics."""
    if before.n < 2 or after.n < 2:
        if before.n == after.n and before.mean == after.mean:
            return "same", "equal single values"
        return "untestable", "a single element says nothing about its distribution"
    if before.std == 0 or after.std == 0:
        if before.std == 0 and after.std == 0:
            scale = max(abs(before.mean), abs(after.mean), 1.0)
            if abs(before.mean - after.mean) <= CONSTANT_RTOL * scale:
                return "same", "equal constants"
            return "different", f"constant {before.mean:g} before, {after.mean:g} after"
        return "different", "constant on one side, random on the other"
    var_b = before.std**2 * before.n / (before.n - 1)  # unbiased sample variances
    var_a = after.std**2 * after.n / (after.n - 1)
    se2_b, se2_a = var_b / before.n, var_a / after.n
    t = (after.mean - before.mean) / math.sqrt(se2_b + se2_a)
    df = (se2_b + se2_a) ** 2 / (se2_b**2 / (before.n - 1) + se2_a**2 / (after.n - 1))
    p_mean = regularized_beta(df / (df + t * t), df / 2, 0.5)
    if p_mean < ALPHA:
        return "different", (
            f"means {before.mean:.4g} and {after.mean:.4g} differ (Welch t = {t:.3g}, "
            f"p = {p_mean:.2g})"
        )
    ratio = var_a / var_b
    d_a, d_b = after.n - 1, before.n - 1
    upper = regularized_beta(d_b / (d_b + d_a * ratio), d_b / 2, d_a / 2)  # P(F >= ratio)
    p_spread = 2 * min(upper, 1 - upper)
    if p_spread < ALPHA:
        return "different", (
            f"standard deviations {before.std:.4g} and {after.std:.4g} differ "
            f"(F = {ratio:.3g}, p = {p_spread:.2g})"
        )
    return "same", "means and spreads agree within sampling noise"


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the regularized incomplete beta function (continued fraction, Lentz's method).

    It gives the tails of Student's t (x = df / (df + t^2), a = df / 2, b = 1/2: two-sided p) and
    of the F distribution, so the tests need no statistics package.
    """
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x > (a + 1) / (a + b + 2):  # the fraction converges fast only below this point
        return 1.0 - regularized_beta(1.0 - x, b, a)
    return math.exp(log_front) * _beta_fraction(x, a, b) / a


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-14:
            break
    return h


def check(child_before: dict[str, Any], child_after: dict[str, Any]) -> list[AlignedVariable]:
    """Pair the before run's recorded variables with the after run's aligned ones and test them."""
    recorded = child_before.get("recorded", [])
    pairs: list[AlignedVariable] = []
    for entry in child_after.get("aligned", []):
        sources = [recorded[int(index)] for index in entry.get("records", [entry["index"]])]
        # A recurrent cell's variable is one part of its TF1 records (cell_layouts.py): its
        # statistics are the part's, which the after run computed.
        before = Stats.from_dict(entry.get("before_stats") or sources[0]["stats"])
        after = Stats.from_dict(entry["after_stats"])
        verdict, why = _verdict(sources[0], entry, before, after)
        folded = entry.get("folded_forget_bias")
        pairs.append(
            AlignedVariable(
                before_name=" + ".join(str(source["name"]) for source in sources),
                after_name=str(entry["name"]),
                shape=tuple(int(i) for i in entry["shape"]),
                before=before,
                after=after,
                verdict=verdict,
                why=why,
                injected=bool(entry.get("injected")),
                equal=bool(entry.get("equal")),
                drawn=bool(entry.get("random")),
                layout=str(entry.get("layout", "")),
                folded_forget_bias=None if folded is None else float(folded),
            )
        )
    return pairs


def _verdict(
    source: dict[str, Any], entry: dict[str, Any], before: Stats, after: Stats
) -> tuple[str, str]:
    drawn_before = bool(entry.get("before_random", source.get("random")))
    drawn_after = bool(entry.get("random"))
    if entry.get("equal"):
        folded = entry.get("folded_forget_bias")
        if folded is not None:
            return "same", f"equal values, with forget bias {float(folded):g} folded into the bias"
        return "same", "equal values: the same draws" if drawn_after else "equal values"
    if entry.get("layout") and not drawn_before and not drawn_after:
        # A cell's bias derived from TF1's constants (GRU: gates 1.0, candidate 0): other
        # values are another computation, not another sample.
        return "different", "not drawn, and not the values derived from the TF1 cell's"
    if drawn_before != drawn_after:
        before_kind, after_kind = (
            "drawn at random" if drawn else "not drawn" for drawn in (drawn_before, drawn_after)
        )
        return "different", f"{before_kind} before, {after_kind} after"
    return same_distribution(before, after)
