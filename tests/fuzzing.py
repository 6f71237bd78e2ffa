"""Inputs for fuzzing the engine, and what every input must satisfy.

Two sources: mutations of real TF1 programs (the repository's fixtures/*/before.py and
tests/idioms), made by deleting, duplicating and swapping tokens and lines; and programs
hypothesmith generates from Python's grammar, with TensorFlow imported so that they are parsed.

`problems(text)` runs `fix --unsafe-fixes` twice, as a user would, and names what went wrong:
a crash (an internal error finding), an output that does not compile although the input did,
or a second run that changes something.
"""

from __future__ import annotations

import io
import random
import tokenize
import warnings
from collections.abc import Iterator
from pathlib import Path

from tf_migrate.engine.run import Mode, run_stdin
from tf_migrate.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(project_root=ROOT, unsafe_fixes=True)
TF_HEADER = "import tensorflow as tf\n"


def real_programs() -> list[str]:
    paths = sorted(ROOT.glob("fixtures/*/before.py")) + sorted(ROOT.glob("tests/idioms/**/*.py"))
    return [path.read_text("utf-8") for path in paths]


def _tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the tokens of `text` that have text."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.string.strip():
                start = starts[token.start[0] - 1] + token.start[1]
                end = starts[token.end[0] - 1] + token.end[1]
                spans.append((start, end))
    except (tokenize.TokenError, SyntaxError, IndexError):
        pass  # an earlier mutation broke the tokens: what was read so far is enough
    return spans


def mutate(text: str, rng: random.Random) -> str:
    """`text` with one token or line deleted, duplicated or swapped with another."""
    operation = rng.choice(("delete", "duplicate", "swap"))
    if rng.random() < 0.5:
        lines = text.splitlines(keepends=True)
        if len(lines) < 2:
            return text
        first, second = sorted(rng.sample(range(len(lines)), 2))
        if operation == "delete":
            del lines[first]
        elif operation == "duplicate":
            lines.insert(first, lines[first])
        else:
            lines[first], lines[second] = lines[second], lines[first]
        return "".join(lines)
    spans = _tokens(text)
    if len(spans) < 2:
        return text
    index = rng.randrange(len(spans) - 1)
    (start, end), (next_start, next_end) = spans[index], spans[index + 1]
    token = text[start:end]
    if operation == "delete":
        return text[:start] + text[end:]
    if operation == "duplicate":
        return text[:end] + " " + token + text[end:]
    following = text[next_start:next_end]
    return text[:start] + following + text[end:next_start] + token + text[next_end:]


def mutants(seed: int, count: int) -> Iterator[str]:
    """`count` mutants of real TF1 programs, each with one to three mutations."""
    rng = random.Random(seed)
    programs = real_programs()
    for _ in range(count):
        text = rng.choice(programs)
        for _ in range(rng.randint(1, 3)):
            text = mutate(text, rng)
        yield text


def compiles(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def problems(text: str) -> list[str]:
    """What is wrong with fixing `text` twice (nothing, for a sound engine)."""
    found = []
    first = run_stdin(text, SETTINGS, mode=Mode.FIX)
    crashes = [f.message for f in first.remaining if "internal error" in f.message]
    found += [f"crash: {message}" for message in crashes]
    output = first.new_source if first.changed and first.new_source is not None else text
    if compiles(text) and not compiles(output):
        found.append("the input compiles, the output does not")
    second = run_stdin(output, SETTINGS, mode=Mode.FIX)
    if second.changed:
        found.append("a second run changes the output")
    return found
