"""TFM001: the `tf.compat.v1` fallback, only for TF1-only functions that run eagerly on TF 2.21.

The allow-list is tables/compat_fallback.json, each entry run eagerly by
scripts/check_compat_fallbacks.py. Graph, session, scope, layers, estimator and summary-v1 symbols
are never on it: under `tf.compat.v1` they crash on TF 2.21, so they keep their family's finding.
"""

from __future__ import annotations

from functools import cache

import libcst as cst

from tf_migrate.cst.dotted import last_name
from tf_migrate.model import Applicability
from tf_migrate.rules.support.div import DivCalls
from tf_migrate.rules.support.rule import Invalid, Valid
from tf_migrate.rules.support.tf_call_rule import TfCallRule
from tf_migrate.rules.tables import compat_fallbacks

H = "import tensorflow as tf\n"


@cache
def _fallback_last_names() -> frozenset[str]:
    return frozenset(name.rsplit(".", 1)[1] for name in compat_fallbacks())


class CompatV1Fallback(DivCalls, TfCallRule):
    """## What it does
    Reports a call to a TF1-only function for which no TF2 function computes the same numbers,
    such as `tf.div` on integers, and writes it as `tf.compat.v1.X` so that it runs on TF2. The
    message gives the reason. A `tf.compat.v1.X` call of such a function is reported too, without
    a fix.

    ## Why is this bad?
    `tf.compat.v1` is a bridge, not a destination: it may disappear in a later TensorFlow release.
    The functions tf-migrate falls back on all run eagerly on TensorFlow 2.21 (each is checked by
    calling it), so the code works today. Graph, session, scope, layers, estimator and summary-v1
    symbols are never written as `tf.compat.v1`: that code would crash under eager execution.

    ## Example
    ```python
    q = tf.div(a, b)
    ```

    ## Use instead
    Pick the TF2 function with the semantics you want, e.g. `tf.math.floordiv` for integers
    or `tf.math.divide` for true division.

    ## Fix safety
    Safe: `tf.compat.v1.X` is the very function the TF1 name referred to. The finding stays after
    the fix: choosing a TF2 form changes numbers, so a person decides.
    """

    code = "TFM001"
    name = "compat-v1-fallback"
    message = "tf.compat.v1 fallback left in place"
    fix_title = "Keep the TF1 function as `{target}`"
    applicability = Applicability.SAFE
    examples = (
        Valid(H + "q = tf.math.floordiv(a, b)\n"),
        Valid(H + "q = tf.div(1.0, x / 2)\n"),
        Invalid(H + "q = tf.div(a, b)\n", fixed=H + "q = tf.compat.v1.div(a, b)\n"),
        Invalid(H + "q = tf.compat.v1.div(a, b)\n"),
        Invalid("import tensorflow.compat.v1 as tf\nparts = tf.string_split(lines)\n"),
        Invalid(
            "from tensorflow import image\ny = image.resize_bilinear(x, [8, 8])\n",
            fixed="import tensorflow as tf\n\ny = tf.compat.v1.image.resize_bilinear(x, [8, 8])\n",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)  # collects tf.div calls; they are decided in on_div
        if last_name(node.func) not in _fallback_last_names():
            return
        name = self.tf_name(node.func)
        if name is not None and name in compat_fallbacks() and name != "tf.div":
            self._fallback(node, name)

    def on_div(self, call: cst.Call, name: str, operands_float: bool) -> None:
        if not operands_float:  # floats are TFM404's: tf.math.divide
            self._fallback(call, name)

    def _fallback(self, call: cst.Call, name: str) -> None:
        reason = compat_fallbacks()[name].reason
        target = "tf.compat.v1." + name[3:]
        message = f"`{name}` has no TF2 form with the same numbers: {reason}"
        if self._already_compat(call.func):
            self.report(call, f"{message}; kept as `{target}`")
            return
        func, imports, removals = self.tf_target(call.func, target)
        self.report(
            call,
            f"{message}; kept as `{target}`",
            replacement=call.with_changes(func=func),
            fix_title=self.fix_title.format(target=target),
            add_imports=imports,
            remove_imports=removals,
        )

    def _already_compat(self, func: cst.BaseExpression) -> bool:
        """`tf.compat.v1.div`, or `tf.div` under `import tensorflow.compat.v1 as tf`."""
        return any(q.name.startswith("tensorflow.compat.v1.") for q in self.qualified_names(func))
