"""TFM403-TFM406: TF1 functions whose TF2 form is a different call: `tf.to_float` and its siblings,
`tf.div` on floats, `tf.image.resize_images`, `tf.set_random_seed`."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.arguments import NO_SPACE, bind_args
from tf_migrate.cst.dotted import dotted, last_name, root_name
from tf_migrate.model import Applicability
from tf_migrate.rules.support.div import DivCalls
from tf_migrate.rules.support.rule import Invalid, Valid
from tf_migrate.rules.support.tf_call_rule import TfCallRule

H = "import tensorflow as tf\n"

CASTS = {
    "tf.to_float": "float32",
    "tf.to_double": "float64",
    "tf.to_int32": "int32",
    "tf.to_int64": "int64",
    "tf.to_bfloat16": "bfloat16",
    "tf.to_complex64": "complex64",
    "tf.to_complex128": "complex128",
}

CAST_LAST_NAMES = frozenset(name.rsplit(".", 1)[1] for name in CASTS)

# TF1's ResizeMethod was an int enum; TF2's names the same methods with strings.
RESIZE_METHODS = {"0": "BILINEAR", "1": "NEAREST_NEIGHBOR", "2": "BICUBIC", "3": "AREA"}


class CastHelper(TfCallRule):
    """## What it does
    Rewrites `tf.to_float(x)` to `tf.cast(x, tf.float32)`, and likewise `to_double`, `to_int32`,
    `to_int64`, `to_bfloat16`, `to_complex64` and `to_complex128`.

    ## Why is this bad?
    TF2 removed the `to_*` helpers; they were `tf.cast` with a fixed dtype.

    ## Example
    ```python
    y = tf.to_float(labels)
    ```

    ## Use instead
    ```python
    y = tf.cast(labels, tf.float32)
    ```

    ## Fix safety
    Safe: TF1's helpers call `tf.cast` with that dtype (only the default op name differs).
    """

    code = "TFM403"
    name = "tf1-cast-helper"
    message = "`{name}` was removed in TF2: use `tf.cast(x, tf.{dtype})`"
    fix_title = "Replace with `tf.cast`"
    applicability = Applicability.SAFE
    examples = (
        Valid(H + "y = tf.cast(x, tf.float32)\n"),
        Invalid(H + "y = tf.to_float(x)\n", fixed=H + "y = tf.cast(x, tf.float32)\n"),
        Invalid(
            H + "y = tf.to_int64(x, name='ids')\n",
            fixed=H + "y = tf.cast(x, tf.int64, name='ids')\n",
        ),
        Invalid(
            "from tensorflow import to_double\ny = to_double(x)\n",
            fixed="import tensorflow as tf\n\ny = tf.cast(x, tf.float64)\n",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if last_name(node.func) not in CAST_LAST_NAMES:
            return
        name = self.tf_name(node.func)
        dtype = CASTS.get(name) if name else None
        if name is None or dtype is None:
            return
        message = self.message.format(name=name, dtype=dtype)
        bound = bind_args(node, ("x", "name"))
        if bound is None or "x" not in bound:
            self.report(node, message)
            return
        func, imports, removals = self.tf_target(node.func, "tf.cast")
        alias = root_name(func)
        assert alias is not None
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        new_args = [
            cst.Arg(value=bound["x"], comma=comma),
            cst.Arg(value=dotted(f"{alias.value}.{dtype}")),
        ]
        if "name" in bound:
            new_args[-1] = new_args[-1].with_changes(comma=comma)
            new_args.append(cst.Arg(keyword=cst.Name("name"), equal=NO_SPACE, value=bound["name"]))
        self.report(
            node,
            message,
            replacement=node.with_changes(func=func, args=new_args),
            add_imports=imports,
            remove_imports=removals,
        )


class FloatDiv(DivCalls, TfCallRule):
    """## What it does
    Rewrites `tf.div(a, b)` to `tf.math.divide(a, b)` when both operands are provably floating
    point: float literals, `tf.constant` of floats or with a float `dtype`, casts to a float dtype,
    `/`, arithmetic with such a value, or names assigned only such values in the same scope.

    ## Why is this bad?
    `tf.div` was removed in TF2. It divided with Python 2 semantics: floor division for integers
    (-7 / 2 gives -4), true division for floats. For floats that is exactly `tf.math.divide`.

    ## Example
    ```python
    x = tf.constant([1.0, 2.0])
    y = tf.div(x, 2.0)
    ```

    ## Use instead
    ```python
    x = tf.constant([1.0, 2.0])
    y = tf.math.divide(x, 2.0)
    ```

    ## Fix safety
    Safe: applied only when both operands are proven floating point, where both functions compute
    `x / y`. Otherwise tf-migrate writes `tf.compat.v1.div` and reports TFM001 with the reason:
    choosing between `tf.math.floordiv` and `tf.math.divide` for integers changes numbers.
    """

    code = "TFM404"
    name = "tf1-div"
    message = "`tf.div` was removed in TF2; on floating-point operands it is `tf.math.divide`"
    fix_title = "Replace with `tf.math.divide`"
    applicability = Applicability.SAFE
    examples = (
        Valid(H + "y = tf.div(a, b)\n"),
        Valid(H + "y = tf.math.divide(a, 2.0)\n"),
        Invalid(H + "y = tf.div(3.0, 2.0)\n", fixed=H + "y = tf.math.divide(3.0, 2.0)\n"),
        Invalid(
            H
            + "x = tf.constant([1, 2], dtype=tf.float32)\ny = tf.div(x, tf.cast(n, tf.float32))\n",
            fixed=H + "x = tf.constant([1, 2], dtype=tf.float32)\n"
            "y = tf.math.divide(x, tf.cast(n, tf.float32))\n",
        ),
        Invalid(
            H + "def f(n):\n    x = tf.to_float(n)\n    return tf.div(x, x * 2.0)\n",
            fixed=H + "def f(n):\n    x = tf.to_float(n)\n    return tf.math.divide(x, x * 2.0)\n",
        ),
    )

    def on_div(self, call: cst.Call, name: str, operands_float: bool) -> None:
        if not operands_float:
            return
        func, imports, removals = self.tf_target(call.func, "tf.math.divide")
        self.report(
            call,
            replacement=call.with_changes(func=func),
            add_imports=imports,
            remove_imports=removals,
        )


class ResizeImages(TfCallRule):
    """## What it does
    Rewrites `tf.image.resize_images(images, size, method, align_corners=False, …)` to
    `tf.image.resize(images, size, method, …)`, mapping TF1's integer methods (0 to 3) to
    `tf.image.ResizeMethod` names.

    ## Why is this bad?
    `tf.image.resize_images` was removed in TF2.

    ## Example
    ```python
    small = tf.image.resize_images(images, [64, 64], method=1)
    ```

    ## Use instead
    ```python
    small = tf.image.resize(images, [64, 64], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    ```

    ## Fix safety
    Unsafe: `tf.image.resize` samples at pixel centres (half-pixel centres) where TF1 sampled at
    pixel corners, so the resized values change (a difference of 0.83 was measured on a bilinear
    upscale). Code whose numbers must not move can call `tf.compat.v1.image.resize_images`. With
    `align_corners=True` there is no TF2 equivalent, and a method given as a variable cannot be
    mapped: both are manual findings.
    """

    code = "TFM405"
    name = "tf1-resize-images"
    message = (
        "`tf.image.resize_images` was removed in TF2; `tf.image.resize` samples at pixel centres"
    )
    fix_title = "Replace with `tf.image.resize` (resized values change)"
    applicability = Applicability.UNSAFE
    examples = (
        Valid(H + "y = tf.image.resize(x, [8, 8])\n"),
        Invalid(
            H + "y = tf.image.resize_images(x, [8, 8])\n",
            fixed=H + "y = tf.image.resize(x, [8, 8])\n",
        ),
        Invalid(
            H + "y = tf.image.resize_images(x, (8, 8), 2, False, True)\n",
            fixed=H + "y = tf.image.resize(x, (8, 8), tf.image.ResizeMethod.BICUBIC, "
            "preserve_aspect_ratio=True)\n",
        ),
        Invalid(
            H + "y = tf.image.resize_images(x, s, method=tf.image.ResizeMethod.AREA, "
            "align_corners=False)\n",
            fixed=H + "y = tf.image.resize(x, s, method=tf.image.ResizeMethod.AREA)\n",
        ),
        Invalid(H + "y = tf.image.resize_images(x, [8, 8], align_corners=True)\n"),
        Invalid(H + "y = tf.image.resize_images(x, [8, 8], method=m)\n"),
    )

    PARAMS = ("images", "size", "method", "align_corners", "preserve_aspect_ratio", "name")

    def visit_Call(self, node: cst.Call) -> None:
        if last_name(node.func) != "resize_images" or (
            self.tf_name(node.func) != "tf.image.resize_images"
        ):
            return
        bound = bind_args(node, self.PARAMS)
        if bound is None:
            self.report(node, f"{self.message}: rewrite the call by hand")
            return
        align = bound.pop("align_corners", None)
        if align is not None and not (isinstance(align, cst.Name) and align.value == "False"):
            self.report(
                node,
                f"{self.message}; `align_corners` has no TF2 equivalent: keep "
                "`tf.compat.v1.image.resize_images` or accept half-pixel sampling",
            )
            return
        func, imports, removals = self.tf_target(node.func, "tf.image.resize")
        alias = root_name(func)
        assert alias is not None
        if "method" in bound:
            method = self._method(bound["method"], alias.value)
            if method is None:
                self.report(
                    node, f"{self.message}; map `method` to a `tf.image.ResizeMethod` by hand"
                )
                return
            bound["method"] = method
        self.report(
            node,
            replacement=node.with_changes(func=func, args=_arguments(node, bound, self.PARAMS)),
            add_imports=imports,
            remove_imports=removals,
        )

    def _method(self, value: cst.BaseExpression, alias: str) -> cst.BaseExpression | None:
        if isinstance(value, cst.Integer) and value.value in RESIZE_METHODS:
            return dotted(f"{alias}.image.ResizeMethod.{RESIZE_METHODS[value.value]}")
        name = self.tf_name(value)
        if (
            name
            and name.startswith("tf.image.ResizeMethod.")
            and name.split(".")[-1] in (RESIZE_METHODS.values())
        ):
            return value
        return None


def _arguments(
    call: cst.Call, bound: dict[str, cst.BaseExpression], params: tuple[str, ...]
) -> list[cst.Arg]:
    """`bound` as arguments: positional while the call passed them so and none is missing."""
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    positional = sum(1 for a in call.args if a.keyword is None)
    out: list[cst.Arg] = []
    by_keyword = False
    for index, param in enumerate(params):
        if param not in bound:
            by_keyword = True
            continue
        if index < positional and not by_keyword:
            out.append(cst.Arg(value=bound[param], comma=comma))
        else:
            by_keyword = True
            out.append(
                cst.Arg(keyword=cst.Name(param), equal=NO_SPACE, value=bound[param], comma=comma)
            )
    if out:
        out[-1] = out[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return out


class SetRandomSeed(TfCallRule):
    """## What it does
    Rewrites `tf.set_random_seed(seed)` (and `tf.random.set_random_seed`) to
    `tf.random.set_seed(seed)`.

    ## Why is this bad?
    TF2 renamed the function; the TF1 name does not exist.

    ## Example
    ```python
    tf.set_random_seed(42)
    ```

    ## Use instead
    ```python
    tf.random.set_seed(42)
    ```

    ## Fix safety
    Safe. The program stays seeded and deterministic, and its random ops draw from the same
    distributions; but the same global seed gives the same numbers only for ops that also have
    an explicit op seed (`tf.random.normal(shape, seed=1)`): ops without one draw other numbers
    in TF2 eager mode than in TF1 graph mode. Random draws from the same distributions are the
    same computation (`tf-migrate verify` aligns model variables to prove the rest); leaving the
    TF1 name would only make the program fail on TF2 with an AttributeError. Under
    `import tensorflow.compat.v1 as tf` the finding is manual: that module has no
    `random.set_seed`.
    """

    code = "TFM406"
    name = "tf1-set-random-seed"
    message = (
        "`{name}` is `tf.random.set_seed` in TF2 (random numbers of ops without a seed change)"
    )
    fix_title = "Replace with `tf.random.set_seed`"
    applicability = Applicability.SAFE
    examples = (
        Valid(H + "tf.random.set_seed(1)\n"),
        Invalid(H + "tf.set_random_seed(1)\n", fixed=H + "tf.random.set_seed(1)\n"),
        Invalid(
            "import tensorflow\ntensorflow.random.set_random_seed(seed=7)\n",
            fixed="import tensorflow\ntensorflow.random.set_seed(seed=7)\n",
        ),
        Invalid("import tensorflow.compat.v1 as tf\ntf.set_random_seed(1)\n"),
        Invalid(
            H + "tf.set_random_seed(1)\nw = tf.Variable(tf.zeros([2]))\n",
            fixed=H + "tf.random.set_seed(1)\nw = tf.Variable(tf.zeros([2]))\n",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if last_name(node.func) not in ("set_random_seed",):
            return
        name = self.tf_name(node.func)
        if name not in ("tf.set_random_seed", "tf.random.set_random_seed"):
            return
        if any(q.name.startswith("tensorflow.compat.v1.") for q in self.qualified_names(node.func)):
            # tf.compat.v1 has no random.set_seed: the rename would fail where the file imports it.
            self.report(
                node,
                self.message.format(name=name) + "; the TF1 module this file imports has no "
                "`random.set_seed`: call it on `import tensorflow as tf`",
            )
            return
        func, imports, removals = self.tf_target(node.func, "tf.random.set_seed")
        self.report(
            node,
            self.message.format(name=name),
            replacement=node.with_changes(func=func),
            add_imports=imports,
            remove_imports=removals,
        )
