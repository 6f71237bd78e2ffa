"""TFM402: TF1 calls whose arguments changed in TF2 (a curated table)."""

from __future__ import annotations

from functools import cache, partial

import libcst as cst

from tf_migrate.cst.dotted import last_name
from tf_migrate.model import Applicability
from tf_migrate.rules.support.call_args import ValueRewrite, one_minus, rewrite_args
from tf_migrate.rules.support.rule import Invalid, NeededImport, UnusedImport, Valid
from tf_migrate.rules.support.tf_call_rule import TfCallRule
from tf_migrate.rules.tables import CallSpec, call_specs

H = "import tensorflow as tf\n"


@cache
def _last_names() -> frozenset[str]:
    return frozenset(name.rsplit(".", 1)[-1] for name in call_specs())


class ArgumentChange(TfCallRule):
    """## What it does
    Rewrites the arguments of TF1 calls whose TF2 signature changed: `keep_dims` becomes
    `keepdims`, `reduction_indices`, `dim`, `dimension` and `squeeze_dims` become `axis`,
    `tf.nn.dropout`'s `keep_prob` becomes `rate=1 - keep_prob`, TF1's
    `tf.nn.softmax_cross_entropy_with_logits` gets `labels=tf.stop_gradient(labels)`, and positional
    arguments whose position changed (`tf.nn.in_top_k`, `tf.random.poisson`, `name` moved after
    new parameters) are passed by keyword. TF1-only aliases of such functions (`tf.arg_max`,
    `tf.count_nonzero`, `tf.parse_example`, …) get their TF2 name. The table
    (tf_migrate/rules/tables/arguments.json) is curated, each entry with an example that is a test,
    and checked against TensorFlow's signatures by `scripts/inspect_signatures.py --check`.

    ## Why is this bad?
    TF2 removed the deprecated keywords (a `TypeError`), and where a positional parameter moved the
    TF1 call silently passes a value to a different parameter: `tf.nn.dropout(x, 0.9)` drops 90%
    instead of 10%.

    ## Example
    ```python
    y = tf.reduce_sum(x, reduction_indices=1, keep_dims=True)
    h = tf.nn.dropout(h, 0.9)
    ```

    ## Use instead
    ```python
    y = tf.reduce_sum(x, axis=1, keepdims=True)
    h = tf.nn.dropout(h, rate=1 - 0.9)
    ```

    ## Fix safety
    Safe: each entry maps a TF1 parameter to the TF2 parameter that TensorFlow's own TF1 function
    forwards it to (`dropout` computes `rate = 1 - keep_prob`, TF1's softmax cross-entropy applies
    `stop_gradient` to the labels and calls the TF2 kernel). A call that is also valid TF2 (a
    positional `tf.nn.dropout(x, 0.9)`, `labels=` of the cross-entropy) is rewritten only in a
    file that shows it is TF1 code — it imports `tensorflow.compat.v1`, passes `feed_dict=`, or
    names a TF1-only symbol (a session, placeholder, `tf.layers`, …); elsewhere it keeps its TF2
    meaning. TF1-only keywords (`keep_dims`) and names (`tf.arg_max`) are rewritten in any file.
    A TF1 argument TF2 removed (`use_cudnn_on_gpu`, the `data` of assertions), `*args`
    or `**kwargs`, or a parameter given twice is a manual finding.
    """

    code = "TFM402"
    name = "tf1-arguments"
    message = "`{name}` takes different arguments in TF2"
    fix_title = "Pass the TF2 arguments{rename}"
    applicability = Applicability.SAFE
    examples = (
        Valid(H + "y = tf.reduce_sum(x, axis=1, keepdims=True)\n"),
        Valid(H + "y = tf.argmax(x, 1)\n"),
        Valid(H + "h = tf.nn.dropout(h, rate=0.1)\n"),
        Valid(
            H + "loss = tf.nn.softmax_cross_entropy_with_logits("
            "labels=tf.stop_gradient(y), logits=z)\n"
        ),
        Valid("import numpy as np\ny = np.squeeze(x, 1)\n"),
        Invalid(
            H + "y = tf.reduce_mean(x, reduction_indices=[1], keep_dims=True)\n",
            fixed=H + "y = tf.reduce_mean(x, axis=[1], keepdims=True)\n",
        ),
        Invalid(
            "import tensorflow.compat.v1 as tf\nh = tf.nn.dropout(h, keep_prob=a + b)\n",
            fixed="import tensorflow.compat.v1 as tf\nh = tf.nn.dropout(h, rate=1 - (a + b))\n",
        ),
        # In a file that is otherwise valid TF2 this call would mean rate=0.9 and is left alone;
        # the placeholder shows the file is TF1 code.
        Valid(H + "h = tf.nn.dropout(h, 0.9)\n"),
        Invalid(
            H + "x = tf.placeholder(tf.float32)\nh = tf.nn.dropout(x, 0.9, None, 7)\n",
            fixed=H + "x = tf.placeholder(tf.float32)\n"
            "h = tf.nn.dropout(x, rate=1 - 0.9, noise_shape=None, seed=7)\n",
        ),
        Invalid(
            "import tensorflow\n"
            "loss = tensorflow.nn.softmax_cross_entropy_with_logits(labels=y, logits=z, dim=1)\n",
            fixed="import tensorflow\nloss = tensorflow.nn.softmax_cross_entropy_with_logits("
            "labels=tensorflow.stop_gradient(y), logits=z, axis=1)\n",
        ),
        Invalid(
            "from tensorflow import arg_max\ni = arg_max(x, 1)\n",
            fixed="import tensorflow as tf\n\ni = tf.argmax(x, 1)\n",
        ),
        Invalid(H + "y = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME', use_cudnn_on_gpu=True)\n"),
        # `*args` may hold keep_prob in the second position, which TF2 reads as rate.
        Invalid(H + "x = tf.placeholder(tf.float32)\nh = tf.nn.dropout(x, *args)\n"),
        Invalid(H + "y = tf.reduce_sum(x, 1, keep_dims=True, **options)\n"),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if last_name(node.func) not in _last_names():
            return
        name = self.tf_name(node.func)
        spec = call_specs().get(name) if name else None
        if name is None or spec is None:
            return
        if spec.manual is not None and not (spec.fix_outside_tf1 and not self.file_shows_tf1()):
            self.report(node, f"{self.message.format(name=name)}: {spec.manual}")
            return
        if not self._unmistakably_tf1(node, name, spec) and not self.file_shows_tf1():
            # Valid TF2 as written (e.g. `tf.nn.dropout(x, 0.9)` means rate=0.9 there): only a
            # file that shows it is TF1 code has TF1's meaning to preserve.
            return
        values = self._value_rewrites(spec, node.func)
        outcome = rewrite_args(node, spec, values)
        message = self.message.format(name=name)
        if outcome.problem is not None:
            self.report(node, f"{message}: {outcome.problem}")
            return
        target = spec.target if spec.target and spec.target != name else None
        if not outcome.changed and target is None:
            return
        func: cst.BaseExpression = node.func
        imports: tuple[NeededImport, ...] = ()
        removals: tuple[UnusedImport, ...] = ()
        if target is not None:
            func, imports, removals = self.tf_target(node.func, target)
        if "stop_gradient" in spec.values.values() and self.tf_alias(node.func) is None:
            imports = (*imports, NeededImport("tensorflow", asname="tf"))
        if spec.note:
            message = f"{message}: {spec.note}"
        self.report(
            node,
            message,
            replacement=node.with_changes(func=func, args=outcome.args),
            fix_title=self.fix_title.format(rename=f" to `{target}`" if target else ""),
            add_imports=imports,
            remove_imports=removals,
        )

    @staticmethod
    def _unmistakably_tf1(node: cst.Call, name: str, spec: CallSpec) -> bool:
        """A TF1-only function name, or a keyword TF2 renamed or removed: not valid TF2."""
        if spec.target is not None and spec.target != name:
            return True
        return any(
            arg.keyword is not None
            and (arg.keyword.value in spec.keywords or arg.keyword.value in spec.removed)
            for arg in node.args
        )

    def _value_rewrites(self, spec: CallSpec, func: cst.BaseExpression) -> dict[str, ValueRewrite]:
        rewrites: dict[str, ValueRewrite] = {}
        root = self.tf_alias(func) or "tf"
        for param, kind in spec.values.items():
            if kind == "one_minus":
                rewrites[param] = one_minus
            elif kind == "stop_gradient":
                rewrites[param] = partial(self._stop_gradient, root=root)
            else:
                raise ValueError(f"arguments.json: unknown value rewrite {kind!r}")
        return rewrites

    def _stop_gradient(self, value: cst.BaseExpression, root: str) -> cst.BaseExpression | None:
        if isinstance(value, cst.Call) and self.tf_name(value.func) == "tf.stop_gradient":
            return None
        func = cst.Attribute(value=cst.Name(root), attr=cst.Name("stop_gradient"))
        return cst.Call(func=func, args=[cst.Arg(value=value)])
