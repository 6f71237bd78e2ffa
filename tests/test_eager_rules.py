"""TF1 eager programs (TFM108's enabling switches, TFM202 in eager programs, TFM505-TFM507):
the cases the rules' examples do not show, run through every rule with the safe fixes, as
`tf-migrate path/` runs them."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from tf_migrate.engine.fixer import FixOutcome, fix_module
from tf_migrate.model import Applicability
from tf_migrate.rules.registry import all_rules
from tf_migrate.rules.support import ancestry

H = "import tensorflow as tf\ntf.enable_eager_execution()\ntfe = tf.contrib.eager\n"
T = "import tensorflow as tf\n"
IDIOMS = Path(__file__).resolve().parent / "idioms"


def _fix(source: str) -> FixOutcome:
    return fix_module(source, all_rules(), should_apply=lambda a: a is Applicability.SAFE)


def _fixed(source: str) -> str:
    outcome = _fix(source)
    assert outcome.remaining == [], [f.message for f in outcome.remaining]
    compile(outcome.source, "<fixed>", "exec")
    assert _fix(outcome.source).source == outcome.source
    return outcome.source


def _left(source: str, code: str) -> str:
    """The messages of the findings of `code` that `check` gives and the safe fixes leave."""
    checked = fix_module(source, all_rules(), should_apply=lambda _: False)
    assert {f.code for f in _fix(source).remaining} >= {code}
    messages = [f.message for f in checked.remaining if f.code == code and not f.fix_title]
    assert messages, f"no {code} finding left"
    return " | ".join(messages)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            H + "def f(tape, value):\n    return tape * value\n\n\n"
            "g = tfe.gradients_function(f, params=[1])\n",
            T + "def f(tape, value):\n    return tape * value\n\n\n"
            "def g(tape, value):\n    value = tf.identity(value)\n"
            "    with tf.GradientTape() as tape_2:\n        tape_2.watch([value])\n"
            "        value_2 = f(tape, value)\n    return tape_2.gradient(value_2, [value])\n",
        ),
        (
            H + "def main():\n    x = 1.0\n    grad = tfe.implicit_gradients(lambda: x * w)\n"
            "    return grad()\n",
            T + "def main():\n    x = 1.0\n\n    def grad():\n"
            "        with tf.GradientTape() as tape:\n            value = x * w\n"
            "        variables = tape.watched_variables()\n"
            "        return list(zip(tape.gradient(value, variables), variables))\n"
            "    return grad()\n",
        ),
        (
            H + "step = tfe.defun(f, experimental_relax_shapes=True)\n",
            T + "step = tf.function(f, reduce_retracing=True)\n",
        ),
        (
            H + "opt = tf.train.GradientDescentOptimizer(0.5)\nopt.apply_gradients(pairs)\n",
            T + "opt = tf.keras.optimizers.SGD(learning_rate=0.5)\nopt.apply_gradients(pairs)\n",
        ),
        (
            H + "opt = tf.train.GradientDescentOptimizer(0.5)\n"
            "opt.apply_gradients(pairs, tf.train.get_or_create_global_step())\n",
            T + "opt = tf.keras.optimizers.SGD(learning_rate=0.5)\nopt.apply_gradients(pairs)\n",
        ),
        (
            "import tensorflow\nimport tensorflow.contrib.eager as tfe\n"
            "tfe.enable_eager_execution()\nn = tfe.num_gpus()\n",
            'import tensorflow\nn = len(tensorflow.config.list_logical_devices("GPU"))\n',
        ),
    ],
    ids=["fresh_local_names", "nested_in_a_function", "relaxed_shapes", "eager_optimizer",
         "global_step_nothing_reads", "tensorflow_spelling"],
)
def test_rewrites(source: str, expected: str) -> None:
    assert _fixed(source) == expected


@pytest.mark.parametrize(
    ("source", "code", "reason"),
    [
        (H + "def f(x):\n    return x\n\n\nf = g\nd = tfe.gradients_function(f)\n", "TFM506",
         "`f` is bound more than once"),
        (H + "class M:\n    grads = tfe.implicit_gradients(loss)\n", "TFM506",
         "would become a method"),
        (H + "def f(x):\n    return x\n\n\nd = tfe.gradients_function(f)\nd(1.0, dy=2.0)\n",
         "TFM506", "TF1's `dy=`"),
        (H + "def f(x):\n    return x\n\n\nclass M:\n    def __init__(self):\n"
         "        self.d = tfe.gradients_function(f)\n\n    def g(self):\n"
         "        return self.d(1.0, dy=2.0)\n", "TFM506", "`self.d` is called with keywords"),
        (H + "def f(x):\n    return x\n\n\nd = tfe.gradients_function(f, params=[2])\n", "TFM506",
         "not a parameter"),
        (H + "d = tfe.gradients_function(model.loss)\n", "TFM506", "positional parameters only"),
        (H + "loss = tfe.implicit_value_and_gradients(loss)\n", "TFM506", "which it calls"),
        (H + "opt = tf.train.AdamOptimizer(0.1)\nopt.minimize(loss)\n", "TFM202",
         "used as `opt.minimize`"),
        (H + "opt = tf.train.AdamOptimizer(tf.train.exponential_decay(0.1, s, 9, 0.5))\n",
         "TFM202", "is computed"),
        (H + "step = tf.train.get_or_create_global_step()\n"
         "opt.apply_gradients(g, global_step=tf.train.get_or_create_global_step())\n", "TFM201",
         "builds a TF1 training op"),
        (H + "v = tfe.Variable(1.0, collections=['c'])\n", "TFM505", "`tf.Variable`"),
        (H + "helpers.setup(tfe)\n", "TFM505", "eager execution is the default in TF2"),
        (T + "tf.disable_v2_behavior()\ntf.enable_eager_execution()\n", "TFM108",
         "delete the call"),
    ],
    ids=["rebound_function", "class_body", "dy_keyword", "dy_keyword_on_attribute",
         "params_out_of_range",
         "unknown_parameters", "named_after_its_function", "minimize", "decayed_rate",
         "global_step_read_elsewhere",
         "tf1_only_keyword", "namespace_passed_on", "next_to_a_disabling_switch"],
)
def test_left_with_a_reason(source: str, code: str, reason: str) -> None:
    # `check` gives the reason; after the fixes the eager marks are gone, and the finding that
    # remains names the TF2 form.
    assert reason in _left(source, code)


def test_files_without_eager_code_build_no_ancestry(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[cst.Module] = []
    original = ancestry.Ancestry.__init__

    def counting(self: ancestry.Ancestry, module: cst.Module) -> None:
        built.append(module)
        original(self, module)

    monkeypatch.setattr(ancestry.Ancestry, "__init__", counting)
    snippets = [path for path in IDIOMS.rglob("*.py") if "eager" not in path.read_text("utf-8")]
    assert len(snippets) > 100
    for snippet in snippets:
        _fix(snippet.read_text("utf-8"))
    assert built == []
    _fix(H + "v = tfe.Variable(1.0)\n")
    assert built
