"""Every curated entry of tables/arguments.json carries an example; each is a test, for each of the
entry's TF1 names, in every import style the rules support."""

from __future__ import annotations

import pytest

from tf_migrate.engine.fixer import fix_module
from tf_migrate.model import Applicability
from tf_migrate.rules.arguments import ArgumentChange
from tf_migrate.rules.tables import CallSpec, call_specs

SPECS = list(dict.fromkeys(call_specs().values()))
MANUAL = {spec.example[0] for spec in SPECS if spec.manual}


def _fix(source: str) -> str:
    return fix_module(source, [ArgumentChange], should_apply=lambda a: True).source


def _cases() -> list[tuple[str, str, str]]:
    """(id, before, after) for every TF1 name of every entry."""
    cases = []
    for spec in SPECS:
        before, after = spec.example
        first = spec.names[0]
        for name in spec.names:
            # The example is written for one of the names; the others share the signature.
            used = next(n for n in spec.names if f"{n}(" in before)
            case_before = before.replace(f"{used}(", f"{name}(")
            case_after = after if spec.target else after.replace(f"{used}(", f"{name}(")
            cases.append((f"{first}:{name}", case_before, case_after))
    return cases


CASES = _cases()


# Positional and value changes apply only to files that show they are TF1 code; the examples are
# TF1 programs, so they carry a line that says so.
TF1_CONTEXT = "out = sess.run(y, feed_dict={})\n"


@pytest.mark.parametrize(("before", "after"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_entry_example(before: str, after: str) -> None:
    before, after = before + TF1_CONTEXT, after + TF1_CONTEXT
    outcome = fix_module(before, [ArgumentChange], should_apply=lambda a: True)
    if before != after or before in MANUAL:
        assert outcome.fixed or outcome.remaining, "the entry's example is not reported"
    fixed = outcome.source
    assert fixed == after
    compile(fixed, "<fixed>", "exec")
    assert _fix(fixed) == fixed


@pytest.mark.parametrize("spec", SPECS, ids=[s.names[0] for s in SPECS])
def test_entry_is_consistent(spec: CallSpec) -> None:
    assert (spec.example[0] == spec.example[1]) == (spec.manual is not None)
    for old, new in spec.keywords.items():
        assert old in spec.tf1_params and new in spec.tf2_params
    assert set(spec.values) <= set(spec.tf1_params)
    assert set(spec.removed) <= set(spec.tf1_params) - set(spec.tf2_params)


def test_compat_v1_alias_keeps_the_alias() -> None:
    before = "import tensorflow.compat.v1 as tf\nn = tf.count_nonzero(x, keep_dims=True)\n"
    assert _fix(before) == (
        "import tensorflow.compat.v1 as tf\nn = tf.math.count_nonzero(x, keepdims=True)\n"
    )


def test_keywords_the_call_already_uses_are_kept() -> None:
    assert _fix("import tensorflow as tf\ny = tf.squeeze(x, axis=1)\n") == (
        "import tensorflow as tf\ny = tf.squeeze(x, axis=1)\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        "import tensorflow as tf\ny = tf.reduce_sum(x, axis=1, reduction_indices=1)\n",
        "import tensorflow as tf\ny = tf.reduce_sum(*args, keep_dims=True)\n",
        "import tensorflow as tf\nh = tf.nn.dropout(h, 0.5, keep_prob=0.5)\n",
    ],
)
def test_ambiguous_calls_are_manual(source: str) -> None:
    outcome = fix_module(source, [ArgumentChange], should_apply=lambda a: True)
    assert outcome.source == source
    assert [f.applicability for f in outcome.remaining] == [Applicability.MANUAL]


def test_value_rewrite_parenthesises() -> None:
    assert _fix("import tensorflow as tf\nh = tf.nn.dropout(h, 1 - p)\n" + TF1_CONTEXT) == (
        "import tensorflow as tf\nh = tf.nn.dropout(h, rate=1 - (1 - p))\n" + TF1_CONTEXT
    )


@pytest.mark.parametrize(
    "tf2_code",
    [
        "import tensorflow as tf\nh = tf.nn.dropout(h, 0.9)\n",
        "import tensorflow as tf\n"
        "loss = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z)\n",
        "import tensorflow as tf\ni = tf.gather(params, indices, None, 1)\n",
    ],
)
def test_valid_tf2_calls_keep_their_tf2_meaning(tf2_code: str) -> None:
    # In a file with no sign of TF1, these calls are TF2 calls: rewriting them would change them.
    assert _fix(tf2_code) == tf2_code
    assert _fix(tf2_code + TF1_CONTEXT) != tf2_code + TF1_CONTEXT


def test_tf1_only_keywords_are_rewritten_in_any_file() -> None:
    code = "import tensorflow as tf\ns = tf.reduce_sum(x, reduction_indices=1, keep_dims=True)\n"
    assert _fix(code) == "import tensorflow as tf\ns = tf.reduce_sum(x, axis=1, keepdims=True)\n"


def test_softmax_v2_is_renamed_once_the_file_is_tf2() -> None:
    # In a TF1 file it stays manual (the entry's example): renamed there, the next round would
    # read it as TF1's function of that name and stop gradients into the labels.
    source = (
        "import tensorflow as tf\n"
        "loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=z, dim=1)\n"
    )
    outcome = fix_module(source, [ArgumentChange], should_apply=lambda a: True)
    assert outcome.source == (
        "import tensorflow as tf\n"
        "loss = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z, axis=1)\n"
    )


@pytest.mark.parametrize("code", [
    "w = tf.Variable(tf.zeros([2]))\n",
    "w = tf.Variable(tf.random_normal([2]))\n",
    "h = tf.layers.dense(x, 3)\n",
    "d = d.shuffle(10)\n",
])
def test_set_random_seed_is_safe_whatever_the_file_draws(code: str) -> None:
    # Random ops draw from the same distributions in TF2: the same computation. A rule's safety
    # must not depend on where the random ops are (this file or an imported one).
    from tf_migrate.rules.arguments_values import SetRandomSeed

    source = "import tensorflow as tf\ntf.set_random_seed(1)\n" + code
    outcome = fix_module(source, [SetRandomSeed], should_apply=lambda a: a is Applicability.SAFE)
    assert outcome.source == source.replace("tf.set_random_seed", "tf.random.set_seed")


def test_positional_softmax_arguments_are_pre_1_0_code_and_stay_manual() -> None:
    # TF 1.15 rejects them (`_sentinel`); TF before 1.0 read them as (logits, labels): binding
    # them as (labels, logits) would cut the model's gradient.
    source = (
        "import tensorflow as tf\n"
        "x = tf.placeholder(tf.float32)\n"
        "cost = tf.nn.softmax_cross_entropy_with_logits(py_x, Y)\n"
    )
    outcome = fix_module(source, [ArgumentChange], should_apply=lambda a: True)
    assert outcome.source == source
    [finding] = outcome.remaining
    assert "keyword only" in finding.message
