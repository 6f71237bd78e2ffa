"""Building TF expressions in the spelling the file already uses."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.dotted import dotted, root_name
from tf_migrate.rules.support.rule import NeededImport, Rule, UnusedImport


def tf_expression(
    original: cst.BaseExpression, target: str, *, root_is_tf: bool
) -> tuple[cst.BaseExpression, tuple[NeededImport, ...]]:
    """The expression for `target` ("tf.math.log") where `original` stood.

    When `original` is an attribute chain rooted at the tensorflow module's alias (`root_is_tf`),
    the alias is kept (`tensorflow.log` -> `tensorflow.math.log`); anything else (`log` from
    `from tensorflow import log`, `layers.dense` from `from tensorflow import layers`) becomes
    `tf.…` and needs `import tensorflow as tf`.
    """
    root = root_name(original)
    if root_is_tf and root is not None and isinstance(original, cst.Attribute):
        suffix = target.split(".", 1)[1] if "." in target else ""
        return dotted(f"{root.value}.{suffix}" if suffix else root.value), ()
    return dotted(target), (NeededImport("tensorflow", asname="tf"),)


def tf_target(
    rule: Rule, func: cst.BaseExpression, target: str
) -> tuple[cst.BaseExpression, tuple[NeededImport, ...], tuple[UnusedImport, ...]]:
    """`target` in the file's own spelling where `func` stood (`tensorflow.x` stays `tensorflow.x`),
    the imports that needs, and the `from tensorflow… import name` it may leave unused."""
    root = root_name(func)
    root_is_tf = root is not None and rule.tf_name(root) == "tf"
    expression, imports = tf_expression(func, target, root_is_tf=root_is_tf)
    return expression, imports, () if root_is_tf else imported_names(rule, func)


def imported_names(rule: Rule, func: cst.BaseExpression) -> tuple[UnusedImport, ...]:
    """The `from tensorflow… import name` that `func` (`name` or `name.x`) reaches TF through,
    which replacing `func` may leave unused."""
    root = root_name(func)
    if root is None:
        return ()
    for qualified in rule.qualified_names(root):
        module, _, obj = qualified.name.rpartition(".")
        if module.startswith("tensorflow") and obj == root.value:
            return (UnusedImport(module, obj),)
    return ()
