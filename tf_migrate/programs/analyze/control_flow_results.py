"""What a `tf.cond` branch or a `tf.while_loop` returns, read from the syntax: how many
one-element list levels TF1 would unpack (analyze/control_flow.py), and whether a value is
certainly one tensor."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.tensor_names import TENSOR_SEQUENCE_FUNCTIONS
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import Context, GraphStatement, Kind

CONTROL_FLOW = frozenset({"tf.cond", "tf.while_loop", "tf.gradients"})
COND = ("pred", "true_fn", "false_fn", "strict", "name", "fn1", "fn2")
# TF 1.15 signatures.
WHILE = ("cond", "body", "loop_vars", "shape_invariants", "parallel_iterations", "back_prop",
         "swap_memory", "name", "maximum_iterations", "return_same_structure")
GRADIENTS = ("ys", "xs", "grad_ys", "name", "colocate_gradients_with_ops", "gate_gradients",
             "aggregation_method", "stop_gradients", "unconnected_gradients")


# TF functions that return a list or tuple of tensors.
_SEQUENCES = sym.STRUCTURE_FUNCTIONS | TENSOR_SEQUENCE_FUNCTIONS | CONTROL_FLOW | {"tf.identity_n"}


Shape = tuple[int, bool]  # (one-element levels TF1 unpacks, a structure is left after them)


def returned_shape(state: ProgramState, function: cst.BaseExpression) -> Shape | None:
    returns = _returns(state, function)
    if not returns:
        return None
    shapes = {_shape(state, value, local) for value, local in returns}
    return shapes.pop() if len(shapes) == 1 and None not in shapes else None


Returned = tuple[cst.BaseExpression, dict[str, cst.BaseExpression]]


def _returns(state: ProgramState, function: cst.BaseExpression) -> list[Returned] | None:
    """The expressions a branch returns, with the helper's local single assignments."""
    if isinstance(function, cst.Name):
        helper = state.helpers.get(function.value)
        if helper is not None:
            return _helper_returns(helper)
        known = state.graph_names.get(function.value)
        value = known.node.value if known is not None else module_lambda(state, function.value)
        function = value if value is not None else function
    if isinstance(function, cst.Lambda):
        return [(function.body, {})]
    return None


def _helper_returns(helper: cst.FunctionDef) -> list[Returned] | None:
    finder = _Returns()
    _walk_visit(helper.body, finder)
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


def returns_one_tensor(ctx: Context, helper: cst.FunctionDef) -> bool:
    """Whether every value a script's function returns is certainly one tensor: an arithmetic
    expression, or a TF call that returns one (a fetch of its call gives one array)."""
    returns = _helper_returns(helper)
    if not returns:
        return False
    for value, _local in returns:
        if isinstance(value, cst.UnaryOperation):
            if isinstance(value.operator, cst.Not):
                return False
        elif isinstance(value, cst.Call):
            name = ctx.tf_name(value.func)
            if name is None or sym.unsupported(name) or name in _SEQUENCES or name in (
                    "tf.cond", "tf.while_loop"):
                return False
        elif not isinstance(value, cst.BinaryOperation):
            return False
    return True


def _shape(state: ProgramState, value: cst.BaseExpression, local: dict[str, cst.BaseExpression]
           ) -> Shape | None:
    depth = 0
    while isinstance(value, cst.List | cst.Tuple) and len(value.elements) == 1 and not (
            isinstance(value.elements[0], cst.StarredElement)):
        if depth == 2:
            break
        value = value.elements[0].value
        depth += 1
    if depth == 2:
        return 2, not tensor(state, value, local)
    if isinstance(value, cst.List | cst.Tuple | cst.Dict):
        return depth, True
    return (depth, False) if tensor(state, value, local) else None


def tensor(state: ProgramState, value: cst.BaseExpression, local: dict[str, cst.BaseExpression],
            seen: int = 0) -> bool:
    """Whether `value` is certainly one tensor (not a list or tuple TF1 would unpack)."""
    if seen > 20:
        return False
    if isinstance(value, cst.BinaryOperation | cst.Comparison | cst.Integer | cst.Float):
        return True
    if isinstance(value, cst.UnaryOperation):
        return not isinstance(value.operator, cst.Not)
    if isinstance(value, cst.Call):
        name = state.ctx.tf_name(value.func)
        if name in ("tf.cond", "tf.while_loop"):
            return _flow_tensor(state, value, name)
        return name is not None and not sym.unsupported(name) and name not in _SEQUENCES
    if isinstance(value, cst.Subscript):
        return isinstance(value.value, cst.Name) and tensor(state, value.value, local, seen + 1)
    if isinstance(value, cst.Name):
        if value.value in local:
            return tensor(state, local[value.value], {}, seen + 1)
        known = state.graph_names.get(value.value)
        if known is None:
            return False
        if known.kind in (Kind.PLACEHOLDER, Kind.VARIABLE):
            return True
        flow = known.node.value
        if known.graph_only and isinstance(flow, cst.Call) and len(known.targets) == 1 and (
                state.ctx.tf_name(flow.func) in CONTROL_FLOW):
            return not known.structure  # what `accept` found the call returns
        if len(known.targets) > 1:
            return _unpacked_tensor(state, known, value.value)
        return (known.kind in (Kind.EAGER, Kind.DEFERRED) and len(known.targets) == 1
                and not known.structure and not known.helpers
                and tensor(state, known.node.value, {}, seen + 1))
    return False


def _flow_tensor(state: ProgramState, call: cst.Call, name: str) -> bool:
    """Whether a nested `tf.cond`/`tf.while_loop` gives one tensor, once rewritten."""
    bound = bind_args(call, COND if name == "tf.cond" else WHILE)
    if bound is None:
        return False
    if name == "tf.while_loop":
        loop_vars = bound.get("loop_vars")
        same = bound.get("return_same_structure")
        return (same is None or (isinstance(same, cst.Name) and same.value == "False")) and (
            isinstance(loop_vars, cst.List | cst.Tuple) and len(loop_vars.elements) == 1
            and tensor(state, loop_vars.elements[0].value, {}))
    strict = bound.get("strict")
    branches = [bound.get("true_fn", bound.get("fn1")), bound.get("false_fn", bound.get("fn2"))]
    shapes = {returned_shape(state, b) if b is not None else None for b in branches}
    if strict is not None and not (isinstance(strict, cst.Name) and strict.value == "False"):
        return shapes == {(0, False)}  # strict: nothing is unpacked
    shape = shapes.pop() if len(shapes) == 1 else None
    return shape is not None and not shape[1]


def _unpacked_tensor(state: ProgramState, known: GraphStatement, name: str) -> bool:
    """`a, b = tf.split(...)` or `i, x = tf.while_loop(..., [i0, x0])`: whether `name` is
    certainly one tensor."""
    target = known.node.targets[0].target
    value = known.node.value
    if not isinstance(target, cst.Tuple | cst.List) or not isinstance(value, cst.Call) or not (
            all(isinstance(e.value, cst.Name) for e in target.elements)):
        return False
    callee = state.ctx.tf_name(value.func)
    if callee in _SEQUENCES - CONTROL_FLOW or callee == "tf.gradients":
        return True  # a list or tuple of tensors
    bound = bind_args(value, WHILE) if callee == "tf.while_loop" else None
    loop_vars = bound.get("loop_vars") if bound is not None else None
    if not isinstance(loop_vars, cst.List | cst.Tuple) or len(loop_vars.elements) != len(
            target.elements):
        return False
    index = [e.value.value for e in target.elements if isinstance(e.value, cst.Name)].index(name)
    return tensor(state, loop_vars.elements[index].value, {})


def leaf_count(state: ProgramState, value: cst.BaseExpression) -> int | None:
    """How many tensors a loop-variables structure flattens to (None: cannot tell)."""
    if isinstance(value, cst.List | cst.Tuple):
        counts = [None if isinstance(e, cst.StarredElement) else leaf_count(state, e.value)
                  for e in value.elements]
    elif isinstance(value, cst.Dict):
        counts = [leaf_count(state, e.value) if isinstance(e, cst.DictElement) else None
                  for e in value.elements]
    else:
        return 1 if tensor(state, value, {}) or (isinstance(value, cst.Name) and (
            value.value in ("True", "False"))) else None
    known = sum(c for c in counts if c is not None)
    if None in counts:
        return None if known < 2 else known
    return known


def module_lambda(state: ProgramState, name: str) -> cst.Lambda | None:
    """`name = lambda ...: ...` at module level (a plain Python function the graph calls)."""
    found: cst.Lambda | None = None
    for item in state.items:
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
