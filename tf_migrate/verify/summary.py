"""What was compared, in words: the line per program and the notes that explain a result.

The line says, for each program: how many names agree and which they are, the worst absolute and
relative errors and where they are, the names only one side has, and why the others were not
compared (a loop counter, a session, a tensor that needs a fed placeholder).
"""

from __future__ import annotations

from tf_migrate.verify.compare import OutputComparison
from tf_migrate.verify.harness import FixtureResult

MAX_LISTED = 8
MAX_REASONS = 4


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def listing(names: list[str], limit: int = MAX_LISTED, separator: str = ", ") -> str:
    shown = separator.join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def compared(result: FixtureResult) -> str:
    """'2/3 agree: b, loss, w; worst abs err 0.1 (w), rel err 0.02 (w); only after: y; not
    compared: step (loop counter)', or '' when nothing was compared."""
    parts = []
    comparisons = result.comparisons
    if comparisons:
        passed = sum(comparison.passed for comparison in comparisons)
        names = [comparison.name for comparison in comparisons]
        parts.append(f"{passed}/{len(comparisons)} agree: {listing(names)}")
        parts.append(
            f"worst abs err {_worst(comparisons, 'max_abs_err')}, "
            f"rel err {_worst(comparisons, 'max_rel_err')}"
        )
    reasons = result.not_compared
    for side, names in (("before", result.only_before), ("after", result.only_after)):
        alone = [name for name in names if name not in reasons]
        if alone:
            parts.append(f"only {side}: {listing(alone)}")
    if reasons:
        by_reason: dict[str, list[str]] = {}
        for name, why in reasons.items():
            by_reason.setdefault(why, []).append(name)
        groups = [f"{listing(names)} ({why})" for why, names in by_reason.items()]
        parts.append(f"not compared: {listing(groups, MAX_REASONS, '; ')}")
    return "; ".join(parts)


def headline(result: FixtureResult, limit: int = 160) -> str:
    """The reason for a result in one line: the exception a program raised, or the message's
    first line (``output(s) differ: w``)."""
    lines = [line.strip() for line in result.message.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[0]
    if line.endswith(" raised:") and len(lines) > 1:
        # The exception is the traceback's last line; a hint in parentheses may follow it.
        raised = [text for text in lines[1:] if not text.startswith("(")]
        line = f"{line} {raised[-1] if raised else lines[-1]}"
    return line if len(line) <= limit else line[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _worst(comparisons: list[OutputComparison], attribute: str) -> str:
    errors = [
        (value, comparison.name)
        for comparison in comparisons
        if (value := getattr(comparison, attribute)) is not None
    ]
    if not errors:
        return "-"
    value, name = max(errors)
    return fmt(value) if value == 0 else f"{fmt(value)} ({name})"


def notes(result: FixtureResult) -> list[str]:
    """Where graph values were read, which data were synthetic, how host randomness was seeded,
    and what the random draws aligned."""
    lines = []
    for run in result.runs:
        for name, where in run.result.get("graph_values", {}).items():
            lines.append(f"{run.side}: {name} read {where}")
        for used in run.result.get("data", []):
            lines.append(f"{run.side}: synthetic data, {used}")
        seeded = run.result.get("seeded", {})
        generators = seeded.get("unseeded generators", 0)
        reseeds = seeded.get("seed() without a value", 0)
        if generators or reseeds:
            lines.append(
                f"{run.side}: {generators} generator(s) created without a seed got seeds 1..; "
                f"{reseeds} seed() call(s) without a value got seed {seeded.get('numpy', 0)}"
            )
    draws = result.draws
    if draws is not None and any(draws.seeded_shuffles):
        before, after = draws.seeded_shuffles
        lines.append(
            f"Dataset.shuffle calls without a seed given the same seed: before {before}, "
            f"after {after}"
        )
    if draws is not None and (draws.before_draws or draws.after_draws or draws.not_aligned):
        lines.append(
            f"random draws: {draws.aligned_draws} aligned (before drew {draws.before_draws}, "
            f"after {draws.after_draws})"
            + (
                f"; dropout masks not drawn while fed keep_prob 1.0: before "
                f"{draws.skipped_dropouts[0]}"
                if draws.skipped_dropouts[0]
                else ""
            )
        )
        lines += [f"  {op.before}  =  {op.after}  x{op.draws}" for op in draws.ops]
        lines += [f"  {note}" for note in draws.regrouped]
        lines += [f"not aligned: {note}" for note in draws.not_aligned]
    lines += result.alignment_notes
    return lines
