"""slim's `arg_scope`: `with slim.arg_scope([slim.conv2d, slim.fully_connected],
activation_fn=tf.nn.relu, weights_initializer=init):` gave the layer functions it lists these
arguments wherever a call inside the block did not pass them. TF2 has no such scopes: the block
goes (its body dedented), and each layer made inside it is constructed with the arguments the
scopes gave it, written out (analyze/layers.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from tf_migrate.programs.model import ArgScope, Context

ARG_SCOPES = frozenset({"tf.contrib.framework.arg_scope", "tf.contrib.slim.arg_scope",
                        "tf.contrib.layers.arg_scope"})
_SLIM = "tf.contrib.slim."
_CONTRIB = "tf.contrib.layers."


def function_name(name: str) -> str:
    """A layer function under the one name slim and contrib share: slim's are contrib's."""
    return _CONTRIB + name[len(_SLIM):] if name.startswith(_SLIM) else name


def is_arg_scope(ctx: Context, node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and ctx.tf_name(node.func) in ARG_SCOPES


def arg_scope(ctx: Context, call: cst.Call, block: Callable[[cst.CSTNode, str], None]
              ) -> ArgScope | None:
    """The scope `call` opens, or None after blocking with the reason."""
    listed = call.args[0].value if call.args and call.args[0].keyword is None else None
    keywords = [(arg.keyword.value, arg.value) for arg in call.args[1:]
                if arg.keyword is not None]
    if not isinstance(listed, cst.List | cst.Tuple) or len(keywords) != len(call.args) - 1 or (
            any(arg.star for arg in call.args)):
        block(call, "an `arg_scope` other than a list of layer functions and keyword "
                    "arguments (a scope reused by name, or defaults passed as a dict)")
        return None
    functions: list[str] = []
    for element in listed.elements:
        name = ctx.tf_name(element.value)
        if name is None:
            block(element.value, "an `arg_scope` over a function that is not one of TF1's "
                                 "layer functions")
            return None
        functions.append(function_name(name))
    return ArgScope(frozenset(functions), tuple(keywords))


def with_defaults(name: str, bound: dict[str, cst.BaseExpression], params: Sequence[str],
                  scopes: Sequence[ArgScope], block: Callable[[cst.CSTNode, str], None]
                  ) -> dict[str, cst.BaseExpression]:
    """A layer call's arguments with what the scopes around it give the function: an inner
    scope's over an outer one's, the call's own over both."""
    given: dict[str, cst.BaseExpression] = {}
    for scope in scopes:
        if function_name(name) in scope.functions:
            given.update(scope.defaults)
    for key, value in given.items():
        if key not in params:
            block(value, f"the `arg_scope` around `{name}` gives it `{key}=`, which it does not "
                         "take")
    return {**given, **bound}
