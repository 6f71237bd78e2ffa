"""Expressions that are plain Python values while TF1 builds the graph: literals, static shapes
(`x.get_shape().as_list()[1]`, `len(x.shape)`), builtins of them, and non-TensorFlow functions
of them (`np.sqrt(...)`). Comparing two such values with `==` compares numbers in TF1 and TF2
alike; comparing graph tensors does not (identity in TF1, elementwise in TF2)."""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst

from tf_migrate.programs.model import Context

# Builtins whose result is a Python value whatever they are given.
_PYTHON_RESULTS = frozenset({"len", "int", "float", "round", "abs", "bool", "str", "repr"})
# Attributes and methods that read a graph value's static shape, a Python-side object.
_STATIC = frozenset({"shape", "get_shape", "as_list", "ndims", "rank", "value", "dtype",
                     "num_elements", "is_fully_defined"})


def python_valued(ctx: Context, node: cst.BaseExpression, names: Collection[str] = ()) -> bool:
    """Whether `node` is a Python value, not a graph tensor; `names`: local names known to hold
    Python values."""
    if isinstance(node, cst.Integer | cst.Float | cst.Imaginary | cst.SimpleString
                  | cst.ConcatenatedString | cst.FormattedString):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("None", "True", "False") or node.value in names
    if isinstance(node, cst.UnaryOperation):
        return python_valued(ctx, node.expression, names)
    if isinstance(node, cst.BinaryOperation):
        return python_valued(ctx, node.left, names) and python_valued(ctx, node.right, names)
    if isinstance(node, cst.Subscript):
        return _static(node.value) or python_valued(ctx, node.value, names)
    if isinstance(node, cst.Attribute):
        return node.attr.value in _STATIC
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Name) and func.value in _PYTHON_RESULTS:
            return True
        if isinstance(func, cst.Attribute) and func.attr.value in _STATIC:
            return True
        return ctx.tf_name(func) is None and bool(node.args) and all(
            python_valued(ctx, argument.value, names) for argument in node.args)
    return False


def _static(node: cst.BaseExpression) -> bool:
    """`x.shape`, `x.get_shape()`, `x.get_shape().as_list()`: a static shape."""
    if isinstance(node, cst.Call):
        node = node.func
    return isinstance(node, cst.Attribute) and node.attr.value in _STATIC


def python_names(ctx: Context, function: cst.FunctionDef) -> set[str]:
    """The local names of `function` that every binding binds to a Python value (names bound
    otherwise than by `name = value`, as loop targets or by `+=`, are not)."""
    visitor = _Bindings()
    function.body.visit(visitor)
    known: set[str] = set()
    changed = True
    while changed:  # a name may be computed from another: `d = int(d)`
        changed = False
        for name, values in visitor.assigned.items():
            if name not in known and name not in visitor.other and all(
                    python_valued(ctx, value, known | {name}) for value in values):
                known.add(name)
                changed = True
    return known


class _Bindings(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.assigned: dict[str, list[cst.BaseExpression]] = {}
        self.other: set[str] = set()  # bound otherwise than by `name = value`

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.assigned.setdefault(target.target.value, []).append(node.value)
            else:
                self._other(target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._other(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._other(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._other(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._other(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._other(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._other(node.target)

    def _other(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.other.add(target.value)
        for child in target.children:
            self._other(child)
