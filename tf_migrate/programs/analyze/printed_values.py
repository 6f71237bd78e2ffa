"""What one `print(...)` of graph values while the graph is built shows, read from its
arguments (analyze/graph_prints.py decides where it goes): graph values and their static facts
(`z`, `z.shape`, `z.get_shape().as_list()[0]`, `z.shape[1]`, `.value` of a dimension, `.ndims`,
`.rank`, `.dtype`, `.name`), literals and Python names beside them, in f-strings,
`"...".format(...)`, `"..." % ...`, `str`/`repr`/`len`, tuples and lists. Anything else is not
such a print: a graph value used otherwise stays refused as a Python value.

Formatting follows what TF 1.15 does with these values: `x.get_shape()[1]` is a `Dimension`
there, whose `str` is `3` or `?` (TF2's int prints `3` or `None`), whose `repr` is
`Dimension(3)`, and which no format spec formats (TF1 raises TypeError), so a spec on it is
refused; `.value` of it goes, as TF2's shapes hold the int."""

from __future__ import annotations

import re
import string
from ast import literal_eval
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import libcst as cst

from tf_migrate.programs.model import GraphStatement


class Shown(Enum):
    """How Python prints a value: `str`, `repr` (in a container, `repr()`, `!r`, `%r`), or
    under a format spec."""

    STR = "str"
    REPR = "repr"
    SPEC = "spec"


class Value(Enum):
    """What an expression of a print is, as far as printing it goes."""

    TENSOR = "tensor"
    SHAPE = "shape"  # a TensorShape
    DIMENSION = "dimension"  # a TensorShape subscript: TF1's Dimension, TF2's int or None
    LIST = "list"  # `.as_list()` and its slices
    NUMBER = "number"  # int or None in both: `.as_list()[0]`, `.ndims`, `len(...)`, `.value`
    PLAIN = "plain"  # literals, strings made by str/repr/format, Python names: same in both
    OTHER = "other"  # dtypes, names, containers: printed by str or repr only


# What a format spec or a %-conversion may apply to: the same in TF1 and TF2.
_FORMATTABLE = (Value.NUMBER, Value.PLAIN)
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(.)")
_INTEGER_CONVERSIONS = frozenset("sdir")


@dataclass
class Printed:
    """The values one print reads: graph values by name (with the property printed, None for
    the value itself) and the rest of what the notes and emitters need."""

    graph_names: Mapping[str, GraphStatement]
    reads: dict[str, list[str | None]] = field(default_factory=dict)
    python: set[str] = field(default_factory=set)
    values: list[cst.Attribute] = field(default_factory=list)
    shape_reprs: bool = False

    def arguments(self, args: list[cst.Arg]) -> bool:
        """Reads `print`'s positional arguments; False: not a print of this kind."""
        return all(self.kind(arg.value, Shown.STR) is not None for arg in args)

    def kind(self, value: cst.BaseExpression, shown: Shown) -> Value | None:
        kind = self._kind(value, shown)
        if kind is None:
            return None
        if shown is Shown.SPEC and kind not in _FORMATTABLE:
            return None  # TF1's Dimension, shapes and tensors take no format spec
        if shown is Shown.REPR and kind in (Value.SHAPE, Value.DIMENSION):
            self.shape_reprs = True
        return kind

    def _kind(self, value: cst.BaseExpression, shown: Shown) -> Value | None:
        if isinstance(value, cst.SimpleString | cst.Integer | cst.Float | cst.Imaginary):
            return Value.PLAIN
        if isinstance(value, cst.ConcatenatedString):
            ok = all(self._kind(part, shown) is not None for part in (value.left, value.right))
            return Value.PLAIN if ok else None
        if isinstance(value, cst.FormattedString):
            return Value.PLAIN if all(self._field(p) for p in value.parts) else None
        if isinstance(value, cst.Name):
            return self._name(value.value)
        if isinstance(value, cst.Attribute):
            return self._attribute(value)
        if isinstance(value, cst.Subscript):
            return self._subscript(value)
        if isinstance(value, cst.Call):
            return self._call(value)
        if isinstance(value, cst.Tuple | cst.List):
            ok = all(isinstance(e, cst.Element) and self.kind(e.value, Shown.REPR) is not None
                     for e in value.elements)
            return Value.OTHER if ok else None
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Modulo):
            return self._percent(value)
        return None

    def _name(self, name: str) -> Value | None:
        if name not in self.graph_names:
            self.python.add(name)
            return Value.PLAIN
        self.reads.setdefault(name, []).append(None)
        return Value.TENSOR

    def _field(self, part: cst.BaseFormattedStringContent) -> bool:
        if not isinstance(part, cst.FormattedStringExpression):
            return True
        spec = part.format_spec
        if spec and not all(self._field(p) for p in spec):
            return False
        shown = Shown.REPR if part.conversion == "r" else Shown.SPEC if spec else Shown.STR
        return self.kind(part.expression, shown) is not None

    def _attribute(self, value: cst.Attribute) -> Value | None:
        attribute = value.attr.value
        if isinstance(value.value, cst.Name) and value.value.value in self.graph_names:
            if attribute not in ("shape", "dtype", "name"):
                return None
            self.reads.setdefault(value.value.value, []).append(attribute)
            return Value.SHAPE if attribute == "shape" else Value.OTHER
        inner = self._kind(value.value, Shown.STR)
        if inner is Value.SHAPE and attribute in ("ndims", "rank"):
            return Value.NUMBER
        if inner is Value.DIMENSION and attribute == "value":
            self.values.append(value)
            return Value.NUMBER
        return None

    def _subscript(self, value: cst.Subscript) -> Value | None:
        if len(value.slice) != 1:
            return None
        index = value.slice[0].slice
        inner = self._kind(value.value, Shown.STR)
        if inner not in (Value.SHAPE, Value.LIST):
            return None
        if isinstance(index, cst.Slice):
            bounds = (index.lower, index.upper, index.step)
            return inner if all(b is None or _integer(b) for b in bounds) else None
        if not isinstance(index, cst.Index) or not _integer(index.value):
            return None
        return Value.DIMENSION if inner is Value.SHAPE else Value.NUMBER

    def _call(self, value: cst.Call) -> Value | None:
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value == "format" and isinstance(
                func.value, cst.SimpleString | cst.ConcatenatedString):
            return self._format(func.value, value.args)
        if any(arg.star or arg.keyword is not None for arg in value.args):
            return None
        if isinstance(func, cst.Name) and func.value in ("str", "repr", "len") and (
                func.value not in self.graph_names) and len(value.args) == 1:
            shown = Shown.REPR if func.value == "repr" else Shown.STR
            inner = self.kind(value.args[0].value, shown)
            if func.value == "len":
                return Value.NUMBER if inner in (Value.SHAPE, Value.LIST) else None
            return Value.PLAIN if inner is not None else None
        if value.args or not isinstance(func, cst.Attribute):
            return None
        if func.attr.value == "get_shape" and isinstance(func.value, cst.Name) and (
                func.value.value in self.graph_names):
            self.reads.setdefault(func.value.value, []).append("shape")
            return Value.SHAPE
        if func.attr.value == "as_list" and self._kind(func.value, Shown.STR) is Value.SHAPE:
            return Value.LIST
        return None

    def _format(self, template: cst.BaseString, args: Sequence[cst.Arg]
                ) -> Value | None:
        text = _text(template)
        try:
            fields = [(name, spec, conversion) for _, name, spec, conversion
                      in string.Formatter().parse(text or "") if name is not None]
        except ValueError:
            return None
        # `{0.op}` would read more of a graph value than the print shows.
        if text is None or any("{" in (spec or "") or "." in name or "[" in name
                               for name, spec, _ in fields):
            return None
        shown = Shown.SPEC if any(spec for _, spec, _ in fields) else Shown.STR
        if any(conversion == "r" for _, _, conversion in fields):
            shown = Shown.REPR if shown is Shown.STR else shown
        ok = all(not arg.star and self.kind(arg.value, shown) is not None for arg in args)
        return Value.PLAIN if ok else None

    def _percent(self, value: cst.BinaryOperation) -> Value | None:
        text = _text(value.left) if isinstance(value.left, cst.BaseString) else None
        if text is None:
            return None
        in_order = [c for c in _CONVERSION.findall(text) if c != "%"]
        operands = value.right.elements if isinstance(value.right, cst.Tuple) else [
            cst.Element(value.right)]
        # Each operand meets its own conversion when they pair up in order; otherwise (a
        # mapping, `*` widths) every operand must suit every conversion of the template.
        paired = len(in_order) == len(operands) and "(" not in text and "*" not in text
        for index, element in enumerate(operands):
            if not isinstance(element, cst.Element):
                return None
            conversions = {in_order[index]} if paired else set(in_order)
            kind = self.kind(element.value, Shown.REPR if "r" in conversions else Shown.STR)
            if kind is None:
                return None
            # `%d` of TF1's Dimension reads its int; other conversions would need a number.
            allowed = _INTEGER_CONVERSIONS if kind is Value.DIMENSION else frozenset("sr")
            if kind not in _FORMATTABLE and not conversions <= allowed:
                return None
        return Value.PLAIN


def _integer(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        value = value.expression
    return isinstance(value, cst.Integer)


def _text(value: cst.BaseExpression) -> str | None:
    """The text of a string literal (no f-string or bytes), None otherwise."""
    if isinstance(value, cst.ConcatenatedString):
        left, right = _text(value.left), _text(value.right)
        return None if left is None or right is None else left + right
    if isinstance(value, cst.SimpleString) and "b" not in value.prefix.lower():
        text = literal_eval(value.value)
        return text if isinstance(text, str) else None
    return None
