"""Feeds of computed values: TF1's `feed_dict` replaces any tensor's value for one run, not only a
placeholder's (`sess.run(y, {h: value})`). The run function then takes the fed value as a
parameter and leaves out what computes it: its slice is cut there."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from tf_migrate.cst.arguments import bind_args
from tf_migrate.programs.model import Context, GraphStatement, Kind

# Functions whose result has the dtype and the shape of their first argument.
_ELEMENTWISE = frozenset({
    f"tf.{name}" for name in (
        "nn.relu", "nn.relu6", "nn.elu", "nn.selu", "nn.sigmoid", "nn.tanh", "nn.softplus",
        "nn.softmax", "nn.log_softmax", "sigmoid", "tanh", "exp", "log", "sqrt", "square",
        "abs", "negative", "identity", "stop_gradient", "math.exp", "math.log", "math.sqrt",
        "math.square", "math.abs", "math.negative", "math.sigmoid", "math.tanh",
    )
})
# Functions whose result has the dtype of their first argument, its shape not told here.
_SAME_DTYPE = frozenset({
    f"tf.{name}" for name in (
        "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
        "math.reduce_sum", "math.reduce_mean", "math.reduce_max", "math.reduce_min",
        "matmul", "linalg.matmul", "transpose", "reshape", "expand_dims", "squeeze",
        "concat", "stack",
    )
})
_ARGMAX = frozenset({"tf.argmax", "tf.argmin", "tf.math.argmax", "tf.math.argmin"})
_ARITHMETIC = (cst.Add, cst.Subtract, cst.Multiply)


def refusal(statement: GraphStatement) -> str | None:
    """Why feeding the value of `statement` cannot become a parameter, or None if it can."""
    name = statement.targets[0]
    if statement.kind is Kind.VARIABLE:
        return (f"feed_dict feeds the variable `{name}` (TF1 reads the fed value in that run "
                "only, without assigning it): feed a placeholder the graph reads instead of "
                f"`{name}`")
    if statement.kind is Kind.EAGER:
        return (f"feed_dict feeds `{name}`, a value of constants TF2 computes once where it is "
                "(feed a placeholder the graph reads instead)")
    if statement.kind is not Kind.DEFERRED:
        kind = statement.kind.value
        article = "an" if kind[0] in "aeiou" else "a"
        return f"feed_dict feeds `{name}`, {article} {kind} (not a tensor)"
    if len(statement.targets) != 1 or statement.structure or statement.members:
        return f"feed_dict feeds `{name}`, which is not one tensor"
    if statement.returns_none or statement.elided or statement.train is not None or (
            statement.metric is not None):
        return f"feed_dict feeds `{name}`, an operation (not a tensor)"
    return None


class FedParameters:
    """The parameter each fed statement becomes: one object per statement, so that two runs
    feeding the same values share their function."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._made: dict[int, GraphStatement | None] = {}

    def parameter(self, statement: GraphStatement) -> GraphStatement | None:
        """A placeholder standing for the fed value, with its dtype and, when the analysis can
        tell it, its shape; None when its dtype cannot be told."""
        if id(statement) not in self._made:
            shape, dtype, literal = self._spec(statement.node.value, statement, 0)
            made = None
            if dtype is not None or literal is not None:
                made = GraphStatement(statement.line, statement.node, statement.targets,
                                      Kind.PLACEHOLDER, statement.position, shape=shape,
                                      dtype=dtype, literal_dtype=literal)
            self._made[id(statement)] = made
        return self._made[id(statement)]

    def _spec(self, value: cst.BaseExpression, statement: GraphStatement, depth: int
              ) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None, str | None]:
        """(shape, dtype expression, literal dtype) of a graph expression: what placeholders,
        casts and functions that keep their argument's dtype tell."""
        unknown: tuple[None, None, None] = (None, None, None)
        if depth > 20:
            return unknown
        if isinstance(value, cst.Name):
            dep = next((d for d in statement.deps if value.value in d.targets), None)
            if dep is None or len(dep.targets) != 1:
                return unknown
            if dep.kind is Kind.PLACEHOLDER:
                return dep.shape, dep.dtype, dep.literal_dtype
            if dep.kind is Kind.DEFERRED and not dep.structure:
                return self._spec(dep.node.value, dep, depth + 1)
            return unknown
        if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
            return self._spec(value.expression, statement, depth + 1)
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, _ARITHMETIC):
            # With a number, TF keeps the tensor's dtype and shape.
            if _number(value.right):
                return self._spec(value.left, statement, depth + 1)
            if _number(value.left):
                return self._spec(value.right, statement, depth + 1)
            return unknown
        if not isinstance(value, cst.Call) or not value.args or value.args[0].keyword:
            return unknown
        name = self.ctx.tf_name(value.func)
        first = value.args[0].value
        if name in _ELEMENTWISE:
            return self._spec(first, statement, depth + 1)
        if name in _SAME_DTYPE and name not in ("tf.concat", "tf.stack"):
            _, dtype, literal = self._spec(first, statement, depth + 1)
            return None, dtype, literal
        if name in _ARGMAX:
            bound = bind_args(value, ("input", "axis", "name", "dimension", "output_type"))
            if bound is None or "output_type" in bound:
                return unknown
            return None, None, "int64"
        if name == "tf.cast":
            bound = bind_args(value, ("x", "dtype", "name"))
            if bound is None or "dtype" not in bound:
                return unknown
            shape, _, _ = self._spec(first, statement, depth + 1)
            return shape, bound["dtype"], None
        return unknown


def _number(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return _number(node.expression)
    return isinstance(node, cst.Integer | cst.Float)


def closure(roots: Iterable[GraphStatement], fed: dict[str, GraphStatement]
            ) -> tuple[list[GraphStatement], list[GraphStatement]]:
    """The statements the roots depend on through deferred statements, in program order, the
    fed ones and what only they need left out; and the fed statements reached."""
    cut = {id(s) for s in fed.values()}
    seen: dict[int, GraphStatement] = {}
    reached: dict[int, GraphStatement] = {}
    stack = list(roots)
    while stack:
        statement = stack.pop()
        if id(statement) in cut:
            reached[id(statement)] = statement
            continue
        if id(statement) in seen:
            continue
        seen[id(statement)] = statement
        if statement.kind is Kind.DEFERRED:
            stack.extend(statement.deps)
    ordered = sorted(seen.values(), key=lambda s: s.position)
    return ordered, sorted(reached.values(), key=lambda s: s.position)


def shadowed(statements: list[GraphStatement], fed: list[GraphStatement]) -> str | None:
    """A fed name that a statement of the cut slice reads as another binding of that name (the
    parameter would take its place)."""
    names = {s.targets[0]: s for s in fed}
    for statement in statements:
        for dep in statement.deps:
            for name in dep.targets:
                if name in names and dep is not names[name]:
                    return name
        if names.keys() & set(statement.targets):
            return next(iter(names.keys() & set(statement.targets)))
    return None
