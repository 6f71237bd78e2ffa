"""`tf.cond`, `tf.while_loop` and `tf.gradients` in graph statements.

TF2 keeps all three, and inside a `tf.function` they build the same graph TF1 built. What differs
was measured on TF 1.15 (graph) and TF 2.21 (eager and tf.function):

- v1 `tf.while_loop` (`return_same_structure=False`) returns a lone tensor when its loop
  variables flatten to one; v2 returns the list: the rewrite appends `[0]`.
- v1 `tf.cond` (`strict=False`) unpacks one-element lists and tuples the branches return, twice
  at most (`[[x]]` gives `x`); v2 keeps them: one `[0]` per level unpacked.
- Eagerly, v2 `tf.while_loop` rejects a body that returns a bare tensor for a one-element list of
  loop variables (TF1 and tf.function accept it), and `tf.gradients` raises: statements that use
  them run only inside a `tf.function` (`GraphStatement.graph_only`).
- Signatures: v1 `while_loop(..., swap_memory, name, maximum_iterations, return_same_structure)`,
  v2 `(..., swap_memory, maximum_iterations, name)`; v1 `cond(pred, true_fn, false_fn, strict,
  name, fn1, fn2)`, v2 `(pred, true_fn, false_fn, name)`; v1 `gradients(ys, xs, grad_ys, name,
  colocate_gradients_with_ops, gate_gradients, ...)`, v2 without colocate. Arguments past the
  common ones become keywords, `fn1`/`fn2` become `true_fn`/`false_fn`, and `strict`,
  `return_same_structure` and `colocate_gradients_with_ops` (device placement only) go.

The rewrites are recorded as functions of the node (GraphProgram.rewrites), applied wherever the
statement is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.expressions import ExpressionFacts, assign_call
from tf_migrate.analysis.program_model import Context, GraphStatement, Item, Kind, Rewrite
from tf_migrate.analysis.syntax import bind_args

CONTROL_FLOW = frozenset({"tf.cond", "tf.while_loop", "tf.gradients"})

_COND = ("pred", "true_fn", "false_fn", "strict", "name", "fn1", "fn2")
_WHILE = ("cond", "body", "loop_vars", "shape_invariants", "parallel_iterations", "back_prop",
          "swap_memory", "name", "maximum_iterations", "return_same_structure")
_GRADIENTS = ("ys", "xs", "grad_ys", "name", "colocate_gradients_with_ops", "gate_gradients",
              "aggregation_method", "stop_gradients", "unconnected_gradients")
# Arguments TF2 does not take: their TF1 meaning is kept by the rewrite (or changes nothing).
_DROPPED = frozenset({"strict", "return_same_structure", "colocate_gradients_with_ops"})
_RENAMED = {"fn1": "true_fn", "fn2": "false_fn"}
# Positional arguments that keep their position in TF2.
_SAME_POSITIONS = {"tf.cond": 3, "tf.while_loop": 3, "tf.gradients": 4}


class Host(Protocol):
    ctx: Context
    items: list[Item]
    graph_names: dict[str, GraphStatement]
    helpers: dict[str, cst.FunctionDef]
    rewrites: dict[int, Rewrite]

    def block(self, node: cst.CSTNode, message: str) -> None: ...


def accept(host: Host, statement: GraphStatement, value: cst.BaseExpression,
           facts: ExpressionFacts) -> None:
    """Takes the control flow out of `facts.unsupported` once it is checked: the statement then
    runs inside a tf.function. Helpers passed as branches or bodies count as called."""
    calls = [(node, name) for node, name in facts.unsupported if name in CONTROL_FLOW]
    if not calls:
        return
    facts.unsupported = [entry for entry in facts.unsupported if entry[1] not in CONTROL_FLOW]
    statement.graph_only = True
    statement.kind = Kind.DEFERRED
    for node, name in calls:
        assert isinstance(node, cst.Call)
        structure = _Call(host, statement, node, name, facts).check()
        if node is value and structure:
            statement.structure = True


class _Call:
    def __init__(self, host: Host, statement: GraphStatement, call: cst.Call, name: str,
                 facts: ExpressionFacts) -> None:
        self.host = host
        self.statement = statement
        self.call = call
        self.name = name
        self.facts = facts
        self.line = host.ctx.start(call)[0]

    def block(self, message: str) -> None:
        self.host.block(self.call, f"`{self.name}` {message}")

    def check(self) -> bool:
        """Checks the call and records its rewrite; whether its result is a structure."""
        params = {"tf.cond": _COND, "tf.while_loop": _WHILE, "tf.gradients": _GRADIENTS}[
            self.name]
        bound = bind_args(self.call, params)
        if bound is None:
            self.block("has arguments that cannot be matched to its TF1 signature")
            return True
        depth, structure = {"tf.cond": self._cond, "tf.while_loop": self._while_loop,
                            "tf.gradients": self._gradients}[self.name](bound)
        actions = self._actions(params)
        if depth or any(action != "" for action in actions):
            self.host.rewrites[id(self.call)] = _reshaped(actions, depth)
        return structure

    def _actions(self, params: Sequence[str]) -> list[str | None]:
        """Per argument: "" keep, a keyword to give it, None to drop it."""
        actions: list[str | None] = []
        for index, arg in enumerate(self.call.args):
            key = arg.keyword.value if arg.keyword is not None else params[index]
            if key in _DROPPED:
                actions.append(None)
            elif key in _RENAMED:
                actions.append(_RENAMED[key])
            elif arg.keyword is None and index >= _SAME_POSITIONS[self.name]:
                actions.append(key)
            else:
                actions.append("")
        return actions

    def _flag(self, bound: dict[str, cst.BaseExpression], key: str) -> bool | None:
        value = bound.get(key)
        if value is None:
            return False
        if isinstance(value, cst.Name) and value.value in ("True", "False"):
            return value.value == "True"
        self.block(f"with `{key}=` other than True or False")
        return None

    # -- tf.cond ------------------------------------------------------------------------------
    def _cond(self, bound: dict[str, cst.BaseExpression]) -> tuple[int, bool]:
        branches = []
        for new, old in (("true_fn", "fn1"), ("false_fn", "fn2")):
            if new in bound and old in bound:
                self.block(f"with both `{new}` and `{old}`")
            branch = bound.get(new, bound.get(old))
            if branch is None:
                self.block(f"without `{new}`")
                return 0, True
            self._branch(branch)
            branches.append(branch)
        strict = self._flag(bound, "strict")
        if strict is None:
            return 0, True
        shapes = [_returned_shape(self.host, branch) for branch in branches]
        if strict:
            return 0, not all(shape == (0, False) for shape in shapes)
        if None in shapes:
            self.block(f"(line {self.line}): cannot tell whether its branches return one-element "
                       "lists or tuples (TF1 unpacks them, TF2 keeps them)")
            return 0, True
        true_shape, false_shape = shapes
        assert true_shape is not None and false_shape is not None
        if true_shape[0] != false_shape[0]:
            self.block(f"(line {self.line}): its branches return one-element lists or tuples "
                       "nested to different depths (TF1 unpacks both, TF2 rejects the mismatch)")
            return 0, True
        return true_shape[0], true_shape[1] or false_shape[1]

    # -- tf.while_loop ------------------------------------------------------------------------
    def _while_loop(self, bound: dict[str, cst.BaseExpression]) -> tuple[int, bool]:
        for key in ("cond", "body"):
            function = bound.get(key)
            if function is None:
                self.block(f"without `{key}`")
                return 0, True
            self._branch(function)
        same_structure = self._flag(bound, "return_same_structure")
        loop_vars = bound.get("loop_vars")
        if not isinstance(loop_vars, cst.List | cst.Tuple) or not loop_vars.elements:
            self.block(f"(line {self.line}): its loop variables are not a list or tuple "
                       "written out (TF1 returns a lone tensor for one loop variable, TF2 a list)")
            return 0, True
        if same_structure is None or same_structure:
            return 0, True
        count = _leaf_count(self.host, loop_vars)
        if count is None:
            self.block(f"(line {self.line}): cannot count its loop variables (TF1 returns a "
                       "lone tensor for one loop variable, TF2 a list)")
            return 0, True
        if count != 1:
            return 0, True
        only = loop_vars.elements[0].value
        return 1, isinstance(only, cst.List | cst.Tuple | cst.Dict)

    # -- tf.gradients -------------------------------------------------------------------------
    def _gradients(self, bound: dict[str, cst.BaseExpression]) -> tuple[int, bool]:
        xs = bound.get("xs")
        names = [xs] if isinstance(xs, cst.Name) else (
            [e.value for e in xs.elements] if isinstance(xs, cst.List | cst.Tuple) else [])
        if bound.get("ys") is None or not names or not all(
                isinstance(n, cst.Name) for n in names):
            self.block(f"(line {self.line}): `xs` is not a graph value or a list of them "
                       "written out")
            return 0, True
        for node in names:
            assert isinstance(node, cst.Name)
            known = self.host.graph_names.get(node.value)
            if known is None:
                self.block(f"(line {self.line}): `{node.value}` is not a graph value of this "
                           "script")
            elif known.kind is Kind.EAGER:
                self.block(f"(line {self.line}) with respect to `{node.value}`, a value of "
                           "constants that TF2 computes once, outside the function (no "
                           "gradient path to it)")
            elif known.kind not in (Kind.PLACEHOLDER, Kind.VARIABLE, Kind.DEFERRED):
                self.block(f"(line {self.line}) with respect to `{node.value}`, which is not "
                           "a tensor")
        return 0, True

    # -- branches and bodies ------------------------------------------------------------------
    def _branch(self, function: cst.BaseExpression) -> None:
        if isinstance(function, cst.Lambda):
            finder = _Updates(self.host.ctx)
            function.body.visit(finder)
            if finder.found:
                self.block(f"(line {self.line}) updates a variable inside a branch or loop "
                           "body (not rewritten yet)")
            return
        if isinstance(function, cst.Name):
            if function.value in self.host.helpers:
                self.facts.called_helpers.add(function.value)
                self.facts.graph_helpers.add(function.value)
                return
            if function.value in self.host.graph_names or _module_lambda(
                    self.host, function.value) is not None:
                return
        code = cst.Module([]).code_for_node(function)
        self.block(f"(line {self.line}) calls `{code}`, which is not a lambda or a function "
                   "of this script")


class _Updates(cst.CSTVisitor):
    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        if assign_call(self.ctx, node) is not None:
            self.found = True


def _reshaped(actions: list[str | None], depth: int) -> Rewrite:
    """The call with its arguments renamed, made keywords or dropped, then `[0]` `depth`
    times."""

    def rewrite(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Call)
        args: list[cst.Arg] = []
        for arg, action in zip(node.args, actions, strict=True):
            if action is None:
                continue
            if action:
                arg = arg.with_changes(keyword=cst.Name(action), equal=cst.AssignEqual(
                    cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
            args.append(arg)
        if args and actions[-1] is None:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        result: cst.BaseExpression = node.with_changes(args=args)
        for _ in range(depth):
            result = cst.Subscript(result, [cst.SubscriptElement(cst.Index(cst.Integer("0")))])
        return result

    return rewrite


# -- what a branch returns ------------------------------------------------------------------
Shape = tuple[int, bool]  # (one-element levels TF1 unpacks, a structure is left after them)


def _returned_shape(host: Host, function: cst.BaseExpression) -> Shape | None:
    returns = _returns(host, function)
    if not returns:
        return None
    shapes = {_shape(host, value, local) for value, local in returns}
    return shapes.pop() if len(shapes) == 1 and None not in shapes else None


Returned = tuple[cst.BaseExpression, dict[str, cst.BaseExpression]]


def _returns(host: Host, function: cst.BaseExpression) -> list[Returned] | None:
    """The expressions a branch returns, with the helper's local single assignments."""
    if isinstance(function, cst.Name):
        helper = host.helpers.get(function.value)
        if helper is not None:
            return _helper_returns(helper)
        known = host.graph_names.get(function.value)
        value = known.node.value if known is not None else _module_lambda(host, function.value)
        function = value if value is not None else function
    if isinstance(function, cst.Lambda):
        return [(function.body, {})]
    return None


def _helper_returns(helper: cst.FunctionDef) -> list[Returned] | None:
    finder = _Returns()
    helper.body.visit(finder)
    if not finder.values or finder.bare:
        return None
    assigned: dict[str, list[cst.BaseExpression]] = {}
    body = helper.body.body if isinstance(helper.body, cst.IndentedBlock) else []
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                        small.targets[0].target, cst.Name):
                    assigned.setdefault(small.targets[0].target.value, []).append(small.value)
    local = {name: values[0] for name, values in assigned.items() if len(values) == 1}
    return [(value, local) for value in finder.values]


class _Returns(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[cst.BaseExpression] = []
        self.bare = False

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is None:
            self.bare = True
        else:
            self.values.append(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _shape(host: Host, value: cst.BaseExpression, local: dict[str, cst.BaseExpression]
           ) -> Shape | None:
    depth = 0
    while isinstance(value, cst.List | cst.Tuple) and len(value.elements) == 1 and not (
            isinstance(value.elements[0], cst.StarredElement)):
        if depth == 2:
            break
        value = value.elements[0].value
        depth += 1
    if depth == 2:
        return 2, not _tensor(host, value, local)
    if isinstance(value, cst.List | cst.Tuple | cst.Dict):
        return depth, True
    return (depth, False) if _tensor(host, value, local) else None


def _tensor(host: Host, value: cst.BaseExpression, local: dict[str, cst.BaseExpression],
            seen: int = 0) -> bool:
    """Whether `value` is certainly one tensor (not a list or tuple TF1 would unpack)."""
    if seen > 20:
        return False
    if isinstance(value, cst.BinaryOperation | cst.Comparison | cst.Integer | cst.Float):
        return True
    if isinstance(value, cst.UnaryOperation):
        return not isinstance(value.operator, cst.Not)
    if isinstance(value, cst.Call):
        name = host.ctx.tf_name(value.func)
        return name is not None and not sym.unsupported(name) and (
            name not in sym.STRUCTURE_FUNCTIONS and name not in CONTROL_FLOW)
    if isinstance(value, cst.Subscript):
        return isinstance(value.value, cst.Name) and _tensor(host, value.value, local, seen + 1)
    if isinstance(value, cst.Name):
        if value.value in local:
            return _tensor(host, local[value.value], {}, seen + 1)
        known = host.graph_names.get(value.value)
        if known is None:
            return False
        if known.kind in (Kind.PLACEHOLDER, Kind.VARIABLE):
            return True
        return (known.kind in (Kind.EAGER, Kind.DEFERRED) and len(known.targets) == 1
                and not known.structure and not known.helpers
                and _tensor(host, known.node.value, {}, seen + 1))
    return False


def _leaf_count(host: Host, value: cst.BaseExpression) -> int | None:
    """How many tensors a loop-variables structure flattens to (None: cannot tell)."""
    if isinstance(value, cst.List | cst.Tuple):
        counts = [None if isinstance(e, cst.StarredElement) else _leaf_count(host, e.value)
                  for e in value.elements]
    elif isinstance(value, cst.Dict):
        counts = [_leaf_count(host, e.value) if isinstance(e, cst.DictElement) else None
                  for e in value.elements]
    else:
        return 1 if _tensor(host, value, {}) or isinstance(value, cst.Name) and (
            value.value in ("True", "False")) else None
    known = sum(c for c in counts if c is not None)
    if None in counts:
        return None if known < 2 else known
    return known


def _module_lambda(host: Host, name: str) -> cst.Lambda | None:
    """`name = lambda ...: ...` at module level (a plain Python function the graph calls)."""
    found: cst.Lambda | None = None
    for item in host.items:
        stmt = item.node
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == name
                    for t in small.targets):
                if found is not None or not isinstance(small.value, cst.Lambda):
                    return None
                found = small.value
    return found

