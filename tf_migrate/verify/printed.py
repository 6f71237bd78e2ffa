"""Compare what two programs print: the numbers within the tolerances, the text around them exactly.

For scripts whose results are only printed (``print("cost:", c)``). Both outputs are read line by
line; in each pair of lines the numbers are compared like outputs (``|after - before| <= atol +
rtol * |before|``), and the text between them must be the same, runs of blanks counting as one
(numpy pads printed arrays to the width of their numbers). A printed number is rounded, each side
on its own, so two values within the tolerance can print one unit apart in their last digit:
that unit is allowed on top of the tolerance. The comparison is one output named ``stdout``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tf_migrate.verify.compare import OutputComparison

NAME = "stdout"
# A number not glued to a word: 3, -0.25, 1e-05, .5, 2., nan, inf (numbers in names such as
# conv2d or h5 are text).
NUMBER = re.compile(
    r"(?<![\w.])[-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf)(?![\w])",
    re.IGNORECASE,
)
BLANKS = re.compile(r"\s+")


@dataclass(frozen=True)
class Line:
    text: str  # the line with each number replaced by a marker, without blanks
    numbers: tuple[str, ...]


def split(line: str) -> Line:
    numbers = tuple(match.group(0) for match in NUMBER.finditer(line))
    text = BLANKS.sub("", NUMBER.sub("#", line))
    return Line(text, numbers)


def last_digit(token: str) -> float:
    """One unit in the last printed digit of ``token`` (0 for integers and nan/inf)."""
    mantissa, _, exponent = token.lower().partition("e")
    if "." not in mantissa:
        return 0.0 if not exponent else 10.0 ** int(exponent)
    decimals = len(mantissa.split(".", 1)[1])
    return 10.0 ** (int(exponent or 0) - decimals)


def compare(before: str, after: str, rtol: float, atol: float) -> OutputComparison:
    lines_b = [split(line) for line in before.rstrip("\n").splitlines()]
    lines_a = [split(line) for line in after.rstrip("\n").splitlines()]
    total = mismatched = 0
    worst_abs = worst_rel = 0.0
    first = ""
    for number, (line_b, line_a) in enumerate(zip(lines_b, lines_a, strict=False), 1):
        if line_b.text != line_a.text or len(line_b.numbers) != len(line_a.numbers):
            mismatched += 1
            first = first or _show(number, before, after, "text differs")
            continue
        for token_b, token_a in zip(line_b.numbers, line_a.numbers, strict=True):
            total += 1
            value_b, value_a = float(token_b), float(token_a)
            if math.isnan(value_b) and math.isnan(value_a):
                continue
            error = abs(value_a - value_b) if value_a != value_b else 0.0
            allowed = atol + rtol * abs(value_b) + max(last_digit(token_b), last_digit(token_a))
            if not error <= allowed:  # NaN on one side, or an infinity that changed
                mismatched += 1
                first = first or _show(number, before, after, f"{token_b} before, {token_a} after")
            if math.isfinite(error):
                worst_abs = max(worst_abs, error)
                if error:
                    worst_rel = max(worst_rel, error / abs(value_b) if value_b else math.inf)
    if len(lines_b) != len(lines_a):
        mismatched += 1
        first = first or f"{len(lines_b)} line(s) printed before, {len(lines_a)} after"
    detail = f"{mismatched} printed line(s) or number(s) differ; first: {first}" if first else ""
    return OutputComparison(
        name=NAME,
        passed=not mismatched,
        before_shape=(len(lines_b),),
        after_shape=(len(lines_a),),
        before_dtype="text",
        after_dtype="text",
        family="printed",
        max_abs_err=worst_abs,
        max_rel_err=worst_rel,
        mismatched=mismatched,
        total=total,
        detail=detail,
    )


def _show(number: int, before: str, after: str, what: str) -> str:
    line_b = before.splitlines()[number - 1].strip()
    line_a = after.splitlines()[number - 1].strip()
    return f"line {number}: {what} ({line_b!r} before, {line_a!r} after)"
