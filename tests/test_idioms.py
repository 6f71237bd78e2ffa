"""tests/idioms/: one snippet per TF1 idiom and import style, each declaring what `check` reports.

A snippet's first line is `# expect: TFM101*2, TFM104` (or `# expect: none`): the exact findings,
with counts, that the idiom rules give for it. Findings of the rename and argument rules (TFM0xx,
TFM4xx) and of whole-program rewrites are not part of the expectation: a snippet is about one
idiom. Snippets under negative/ are ordinary non-TF1 code that uses the same names.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tf_migrate.engine.fixer import fix_module
from tf_migrate.rules.registry import all_rules, owned_by_a_table_rule
from tf_migrate.rules.support.rule import Rule

IDIOMS = Path(__file__).resolve().parent / "idioms"
SNIPPETS = sorted(IDIOMS.rglob("*.py"))
STYLES = ("tf_alias", "tensorflow", "compat_v1", "from_import")

_IDIOM_MODULES = frozenset(
    f"tf_migrate.rules.{name}"
    for name in (
        "graph_session",
        "graph_state",
        "tensor_semantics",
        "training",
        "losses_metrics",
        "variables_layers",
        "contrib_layers",
        "contrib_flags",
        "contrib_eager",
        "eager_gradients",
        "eager_saver",
        "estimator",
        "checkpoints_summaries",
        "input_pipeline",
        "distribution",
    )
)
IDIOM_RULES: tuple[type[Rule], ...] = tuple(
    rule for rule in all_rules() if rule.__module__ in _IDIOM_MODULES
)
IDIOM_CODES = frozenset(rule.code for rule in IDIOM_RULES)
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>.*)")


def expected(snippet: Path) -> Counter[str]:
    first = snippet.read_text("utf-8").splitlines()[0]
    match = _EXPECT.match(first)
    assert match, f"{snippet} must start with `# expect: ...`"
    codes: Counter[str] = Counter()
    for item in match.group("codes").split(","):
        item = item.strip()
        if item and item != "none":
            code, _, count = item.partition("*")
            codes[code.strip()] += int(count or 1)
    return codes


def _never(_: object) -> bool:
    return False


def _always(_: object) -> bool:
    return True


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[str(s.relative_to(IDIOMS)) for s in SNIPPETS])
def test_check_reports_exactly_the_expected_idioms(snippet: Path) -> None:
    outcome = fix_module(snippet.read_text("utf-8"), all_rules(), should_apply=_never)
    found = Counter(f.code for f in outcome.remaining if f.code in IDIOM_CODES)
    assert found == expected(snippet), "\n".join(
        f"{f.location.line}:{f.location.column} {f.code} {f.message}" for f in outcome.remaining
    )
    assert all(f.message and "{" not in f.message for f in outcome.remaining)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[str(s.relative_to(IDIOMS)) for s in SNIPPETS])
def test_fixing_a_snippet_compiles_and_is_stable(snippet: Path) -> None:
    outcome = fix_module(snippet.read_text("utf-8"), all_rules(), should_apply=_always)
    compile(outcome.source, str(snippet), "exec")
    again = fix_module(outcome.source, all_rules(), should_apply=_always)
    assert again.source == outcome.source
    if "tf.compat.v1." in outcome.source and "tf.compat.v1." not in snippet.read_text("utf-8"):
        assert any(f.code == "TFM001" for f in again.remaining), outcome.source


def test_every_idiom_rule_has_snippets_in_every_import_style() -> None:
    by_style = {style: Counter[str]() for style in STYLES}
    for snippet in SNIPPETS:
        style = snippet.relative_to(IDIOMS).parts[0]
        if style in by_style:
            by_style[style].update(expected(snippet))
    for style, codes in by_style.items():
        missing = IDIOM_CODES - codes.keys()
        assert not missing, f"no {style} snippet expects {sorted(missing)}"


def test_negative_snippets_exist_and_expect_nothing() -> None:
    negatives = [s for s in SNIPPETS if s.parent.name == "negative"]
    assert len(negatives) >= 5
    assert {s.name: expected(s) for s in negatives} == {s.name: Counter() for s in negatives}


def test_table_rules_own_the_tf1_idioms_and_nothing_tf2_has() -> None:
    for name in (
        "tf.placeholder",
        "tf.layers.dense",
        "tf.Session",
        "tf.summary.merge_all",
        "tf.estimator.Estimator",
        "tf.variable_scope",
        "tf.contrib.slim.conv2d",
        "tf.summary.scalar",
    ):
        assert owned_by_a_table_rule(name), name
    for name in ("tf.log", "tf.random_normal", "tf.math.log", "tf.keras.layers.Dense"):
        assert not owned_by_a_table_rule(name), name
