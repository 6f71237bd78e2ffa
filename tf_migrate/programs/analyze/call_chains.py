"""How findings spell a method call on a call's result.

Name resolution names `tf.data.Dataset.range(3).batch(2)` "tf.data.Dataset.range.batch", as
libcst does (`tf.train.AdamOptimizer(0.1).minimize` -> "tf.train.AdamOptimizer.minimize"): a
name that exists nowhere. Messages spell the chain as written, calls elided, and name it once.
"""

from __future__ import annotations

import libcst as cst

from tf_migrate.programs.model import Context


def spelled(ctx: Context, call: cst.Call, name: str) -> tuple[str, list[cst.Call]]:
    """(`tf.data.Dataset.range(...).batch(...)`, the inner calls of the chain) for a method
    call on a TF call's result; (name, []) for any other call."""
    links: list[str] = []
    inner: list[cst.Call] = []
    node: cst.BaseExpression = call
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and isinstance(
            node.func.value, cst.Call) and ctx.tf_name(node.func.value.func) is not None:
        links.append(node.func.attr.value)
        node = node.func.value
        inner.append(node)
    if not inner:
        return name, []
    root = ctx.tf_name(inner[-1].func)
    return ".".join([f"{root}(...)", *(f"{link}(...)" for link in reversed(links))]), inner
