"""Long generated lines, wrapped as a person would: one element per line inside brackets."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

LINE_LIMIT = 99


def newline(indent: str) -> cst.ParenthesizedWhitespace:
    """A line break inside brackets, then `indent` past the enclosing block's indentation."""
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace(indent)
    )


def one_per_line(elements: Sequence[cst.BaseElement], indent: str, closing: str = ""
                 ) -> cst.List:
    """`[\\n    a,\\n    b,\\n]`, the closing bracket at `closing` (nested in brackets)."""
    lines = [
        e.with_changes(comma=cst.Comma(whitespace_after=newline(indent if i < len(elements) - 1
                                                                else closing)))
        for i, e in enumerate(elements)
    ]
    return cst.List(lines, lbracket=cst.LeftSquareBracket(whitespace_after=newline(indent)))


def one_per_arg(call: cst.Call, indent: str = "    ", closing: str = "") -> cst.Call:
    """`f(\n    a,\n    b,\n)`, the closing parenthesis at `closing` (nested in brackets)."""
    args = [a.with_changes(comma=cst.Comma(whitespace_after=newline(
        indent if i < len(call.args) - 1 else closing))) for i, a in enumerate(call.args)]
    return call.with_changes(args=args, whitespace_before_args=newline(indent))


def fitted_call(call: cst.Call, budget: int, indent: str = "    ", closing: str = ""
                ) -> cst.Call:
    """`call` with one argument per line when its code passes `budget` characters (what the
    rest of its line leaves), else as it is."""
    if len(cst.Module([]).code_for_node(call)) <= budget or not call.args:
        return call
    wrapped = one_per_arg(call, indent, closing)
    args = []
    for arg in wrapped.args:
        if isinstance(arg.value, cst.Call):
            # A call passed as an argument (a layer in a `Bidirectional`): fitted to its line.
            keyword = len(arg.keyword.value) + 1 if arg.keyword is not None else 0
            arg = arg.with_changes(value=fitted_call(
                arg.value, LINE_LIMIT - len(indent) - keyword - 1, indent + "    ", indent))
        args.append(arg)
    return wrapped.with_changes(args=args)


def split_statements(line: cst.SimpleStatementLine) -> list[cst.SimpleStatementLine]:
    """`a = 1; b = 2` written one statement per line, the first keeping the line's comments."""
    first, *rest = line.body
    return [line.with_changes(body=[first.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]),
            *(cst.SimpleStatementLine([small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)])
              for small in rest)]
