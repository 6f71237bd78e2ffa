"""A small, honest dtype analysis: is an expression provably a floating-point value?

"Provably" means: a float literal, a TF constructor whose dtype is float (given explicitly, or its
default), a cast to a float dtype, `/` (true division gives floats even for integers), `+ - *`
with a provably floating operand (TensorFlow does not promote: the other operand must be the same
dtype), or a name whose every assignment in the same function (or module) scope is one of those.
Anything else (parameters, attributes, subscripts, calls we do not know) is not proven.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from tf_migrate.cst.arguments import argument
from tf_migrate.cst.targets import target_names

FLOAT_DTYPES = {"tf.float16", "tf.float32", "tf.float64", "tf.bfloat16", "tf.half", "tf.double"}
# Functions whose result is floating point whatever their arguments.
ALWAYS_FLOAT = {
    "tf.to_float",
    "tf.to_double",
    "tf.random_normal",
    "tf.random.normal",
    "tf.truncated_normal",
    "tf.random.truncated_normal",
    "tf.math.sigmoid",
    "tf.sigmoid",
    "tf.nn.softmax",
}
# Functions whose result is float32 unless a `dtype=` says otherwise.
DEFAULT_FLOAT = {"tf.zeros", "tf.ones", "tf.random_uniform", "tf.random.uniform"}
# Functions whose result has the dtype of one tensor argument: (keyword, position) of it.
SAME_DTYPE: dict[str, tuple[str, int]] = {
    **{f"tf.{name}": ("input_tensor", 0) for name in (
        "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
        "math.reduce_sum", "math.reduce_mean", "math.reduce_max", "math.reduce_min")},
    **{f"tf.{name}": ("x", 0) for name in (
        "abs", "negative", "square", "math.abs", "math.negative", "math.square", "maximum",
        "minimum", "math.maximum", "math.minimum")},
    **{f"tf.{name}": ("a", 0) for name in ("matmul", "transpose", "linalg.matmul")},
    "tf.reshape": ("tensor", 0),
    "tf.identity": ("input", 0),
    "tf.expand_dims": ("input", 0),
    "tf.squeeze": ("input", 0),
    "tf.stop_gradient": ("input", 0),
}

TfName = Callable[[cst.CSTNode], str | None]


class ScopeAssignments:
    """`name = value` statements per function scope, collected while a rule visits the module."""

    def __init__(self) -> None:
        self._stack: list[dict[str, list[cst.BaseExpression | None]]] = [{}]

    @property
    def current(self) -> dict[str, list[cst.BaseExpression | None]]:
        return self._stack[-1]

    def enter_function(self, node: cst.FunctionDef | cst.Lambda) -> None:
        scope: dict[str, list[cst.BaseExpression | None]] = {}
        params = node.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                every.append(star)
        for param in every:
            scope.setdefault(param.name.value, []).append(None)  # a parameter: unknown dtype
        self._stack.append(scope)

    def leave_function(self) -> dict[str, list[cst.BaseExpression | None]]:
        return self._stack.pop()

    def assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.current.setdefault(target.target.value, []).append(node.value)
            else:  # tuple unpacking, attributes: every name bound there is unknown
                self.rebind(target.target)

    def rebind(self, target: cst.BaseExpression) -> None:
        """Names bound by anything but `name = value` (augmented assignment, for, with, except,
        comprehension, walrus, import): their dtype is not proven."""
        for name in target_names(target):
            self.current.setdefault(name, []).append(None)

    def rebind_global(self, name: str) -> None:
        """`global x` in a function: the function may assign anything to the module's `x`."""
        self._stack[0].setdefault(name, []).append(None)


def _dtype_is_float(node: cst.BaseExpression, tf_name: TfName) -> bool:
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value in ("float16", "float32", "float64", "bfloat16")
    return tf_name(node) in FLOAT_DTYPES


def _literal_is_float(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Float):
        return True
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus | cst.Plus):
        return _literal_is_float(node.expression)
    if isinstance(node, cst.List | cst.Tuple) and node.elements:
        return all(_literal_is_float(e.value) for e in node.elements)
    return False


def is_float(
    node: cst.BaseExpression,
    tf_name: TfName,
    scope: dict[str, list[cst.BaseExpression | None]],
    _seen: frozenset[str] = frozenset(),
) -> bool:
    """Whether `node` is provably floating point; `scope` holds the assignments of its scope."""
    if _literal_is_float(node):
        return True
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Divide):
            return True
        if isinstance(node.operator, cst.Add | cst.Subtract | cst.Multiply):
            return is_float(node.left, tf_name, scope, _seen) or is_float(
                node.right, tf_name, scope, _seen
            )
        return False
    if isinstance(node, cst.Name):
        values = scope.get(node.value)
        if not values or node.value in _seen or any(v is None for v in values):
            return False
        return all(
            v is not None and is_float(v, tf_name, scope, _seen | {node.value}) for v in values
        )
    if not isinstance(node, cst.Call):
        return False
    func = tf_name(node.func)
    if func in ALWAYS_FLOAT:
        return True
    if func == "tf.cast":
        dtype = argument(node, "dtype", 1)
        return dtype is not None and _dtype_is_float(dtype, tf_name)
    if func in ("tf.constant", "tf.convert_to_tensor"):
        dtype = argument(node, "dtype", 1)
        if dtype is not None:
            return _dtype_is_float(dtype, tf_name)
        value = argument(node, "value", 0)
        return value is not None and _literal_is_float(value)
    if func in SAME_DTYPE:
        source = argument(node, *SAME_DTYPE[func])
        return source is not None and is_float(source, tf_name, scope, _seen)
    if func in DEFAULT_FLOAT:
        dtype = argument(node, "dtype", 1 if func in ("tf.zeros", "tf.ones") else 3)
        return dtype is None or _dtype_is_float(dtype, tf_name)
    return False


class ScopeTracking:
    """Visitor methods that keep `self._scopes` current while a rule visits a module: which
    assignments each function scope holds, for `is_float` at the end of the module. Mixed into
    rules before their base class (it calls the next `visit_Assign` along, if any)."""

    _scopes: ScopeAssignments

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.enter_function(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scopes.leave_function()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._scopes.enter_function(node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._scopes.leave_function()

    def visit_Assign(self, node: cst.Assign) -> None:
        following = getattr(super(), "visit_Assign", None)
        if following is not None:
            following(node)
        self._scopes.assign(node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._scopes.rebind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._scopes.rebind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._scopes.rebind(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._scopes.rebind(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:  # with … as x, except … as x, import … as x
        if isinstance(node.name, cst.BaseExpression):
            self._scopes.rebind(node.name)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None and isinstance(node.name, cst.Name):
            self._scopes.rebind(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._scopes.rebind(node.target)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self._scopes.rebind_global(item.name.value)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:
            self._scopes.rebind(item.name)
