"""A call's arguments by parameter name, as Python would bind them, and keyword arguments."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

# `name=value`, as code generators write keywords (and as PEP 8 asks).
NO_SPACE = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


class ArgumentMismatch(ValueError):
    """Why arguments cannot be bound to parameters. `kind` is "star" (`*args`/`**kwargs` hide
    them), "positional" (more than the parameters), "keyword" (not a parameter) or "twice"."""

    def __init__(self, kind: str, parameter: str | None = None) -> None:
        super().__init__(kind if parameter is None else f"{kind}: {parameter}")
        self.kind = kind
        self.parameter = parameter


def bind(call: cst.Call, params: Sequence[str]) -> dict[str, cst.BaseExpression]:
    """Each argument of `call` by the parameter it binds to, given the parameters in order.
    Raises ArgumentMismatch where Python would raise a TypeError, or cannot be told."""
    bound: dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(call.args):
        if arg.star:
            raise ArgumentMismatch("star")
        if arg.keyword is None:
            if index >= len(params):
                raise ArgumentMismatch("positional")
            key = params[index]
        else:
            key = arg.keyword.value
            if key not in params:
                raise ArgumentMismatch("keyword", key)
        if key in bound:
            raise ArgumentMismatch("twice", key)
        bound[key] = arg.value
    return bound


def bind_args(call: cst.Call, params: Sequence[str]) -> dict[str, cst.BaseExpression] | None:
    """`bind`, or None when the arguments cannot be bound."""
    try:
        return bind(call, params)
    except ArgumentMismatch:
        return None


def argument(call: cst.Call, keyword: str, position: int) -> cst.BaseExpression | None:
    """The argument given as `keyword=` or at `position`, if either; the other arguments are
    not checked."""
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
        if arg.keyword is None and not arg.star and index == position:
            return arg.value
    return None


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """`name=value`."""
    return cst.Arg(value=value, keyword=cst.Name(name), equal=NO_SPACE)
