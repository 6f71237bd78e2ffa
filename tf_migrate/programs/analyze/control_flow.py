"""`tf.cond`, `tf.while_loop` and `tf.gradients` in graph statements.

TF2 keeps all three, and inside a `tf.function` they build the same graph TF1 built. What differs
was measured on TF 1.15 (graph) and TF 2.21 (eager and tf.function), and
scripts/check_control_flow_data.py measures it again:

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

Each call's TF2 form is recorded as an ArgumentReshape (GraphProgram.rewrites), which
emit/control_flow.py applies wherever the statement is written; what branches return is read by
control_flow_results.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from tf_migrate.analysis.names import function_globals, read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.code import code
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.control_flow_results import (
    COND,
    CONTROL_FLOW,
    GRADIENTS,
    WHILE,
    leaf_count,
    module_lambda,
    returned_shape,
)
from tf_migrate.programs.analyze.expressions import (
    ExpressionFacts,
    assign_call,
    examine,
    not_handled,
)
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import (
    ArgumentReshape,
    Context,
    GraphProgram,
    GraphStatement,
    Kind,
)

# Arguments TF2 does not take: their TF1 meaning is kept by the rewrite (or changes nothing).
_DROPPED = frozenset({"strict", "return_same_structure", "colocate_gradients_with_ops"})
_RENAMED = {"fn1": "true_fn", "fn2": "false_fn"}
# Defaults TF1 and TF2 share, as written.
_DEFAULTS = {"shape_invariants": "None", "parallel_iterations": "10", "back_prop": "True",
             "swap_memory": "False", "maximum_iterations": "None", "name": "None",
             "grad_ys": "None", "gate_gradients": "False", "aggregation_method": "None",
             "stop_gradients": "None"}
# Positional arguments that keep their position in TF2.
_SAME_POSITIONS = {"tf.cond": 3, "tf.while_loop": 3, "tf.gradients": 4}


def accept(state: ProgramState, statement: GraphStatement, value: cst.BaseExpression | None,
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
        structure = _Call(state, statement, node, name, facts).check()
        if node is value and structure:
            statement.structure = True


class _Call:
    def __init__(self, state: ProgramState, statement: GraphStatement, call: cst.Call, name: str,
                 facts: ExpressionFacts) -> None:
        self.state = state
        self.statement = statement
        self.call = call
        self.name = name
        self.facts = facts
        self.checked: set[str] = set()  # helpers examined here

    def block(self, message: str) -> None:
        self.state.block(self.call, f"`{self.name}` {message}")

    def check(self) -> bool:
        """Checks the call and records its rewrite; whether its result is a structure."""
        params = {"tf.cond": COND, "tf.while_loop": WHILE, "tf.gradients": GRADIENTS}[
            self.name]
        bound = bind_args(self.call, params)
        if bound is None:
            self.block("has arguments that cannot be matched to its TF1 signature")
            return True
        depth, structure = {"tf.cond": self._cond, "tf.while_loop": self._while_loop,
                            "tf.gradients": self._gradients}[self.name](bound)
        actions = self._actions(params)
        if depth or any(action != "" for action in actions):
            self.state.rewrites[id(self.call)] = ArgumentReshape(tuple(actions), depth)
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
                # TF1's order differs: a keyword, or nothing when it says the default.
                default = code(arg.value) == _DEFAULTS.get(key)
                actions.append(None if default else key)
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
        shapes = [returned_shape(self.state, branch) for branch in branches]
        if strict:
            return 0, not all(shape == (0, False) for shape in shapes)
        if None in shapes:
            self.block("cannot tell whether its branches return one-element "
                       "lists or tuples (TF1 unpacks them, TF2 keeps them)")
            return 0, True
        true_shape, false_shape = shapes
        assert true_shape is not None and false_shape is not None
        if true_shape[0] != false_shape[0]:
            self.block("its branches return one-element lists or tuples "
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
            self.block("its loop variables are not a list or tuple "
                       "written out (TF1 returns a lone tensor for one loop variable, TF2 a list)")
            return 0, True
        if same_structure is None or same_structure:
            return 0, True
        count = leaf_count(self.state, loop_vars)
        if count is None:
            self.block("cannot count its loop variables (TF1 returns a "
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
            self.block("`xs` is not a graph value or a list of them "
                       "written out")
            return 0, True
        for node in names:
            assert isinstance(node, cst.Name)
            known = self.state.graph_names.get(node.value)
            if known is None:
                self.block(f"`{node.value}` is not a graph value of this "
                           "script")
            elif known.kind is Kind.EAGER:
                self.block(f"with respect to `{node.value}`, a value of "
                           "constants that TF2 computes once, outside the function (no "
                           "gradient path to it)")
            elif known.kind not in (Kind.PLACEHOLDER, Kind.VARIABLE, Kind.DEFERRED):
                self.block(f"with respect to `{node.value}`, which is not "
                           "a tensor")
        return 0, True

    # -- branches and bodies ------------------------------------------------------------------
    def _branch(self, function: cst.BaseExpression) -> None:
        if isinstance(function, cst.Lambda):
            finder = _Updates(self.state.ctx)
            _walk_visit(function.body, finder)
            if finder.found:
                self.block("updates a variable inside a branch or loop "
                           "body (not rewritten yet)")
            return
        if isinstance(function, cst.Name):
            if function.value in self.state.helpers:
                self._helper(function.value)
                return
            if function.value in self.state.graph_names or module_lambda(
                    self.state, function.value) is not None:
                return
        text = code(function)
        self.block(f"calls `{text}`, which is not a lambda or a function "
                   "of this script")


    def _helper(self, name: str) -> None:
        """A function of the script used as a branch or body. One that reads placeholders or
        values computed per run moves into the run function (a nested def, where those are
        local names); one that does not stays, its own control flow rewritten in place."""
        state, statement = self.state, self.statement
        helper = state.helpers[name]
        self.facts.called_helpers.add(name)
        graph = function_globals(helper) & set(state.graph_names)
        inner = examine(state.ctx, helper, set(), state.helpers)
        per_run = any(state.graph_names[n].kind in _PER_RUN for n in graph)
        if not per_run and not any(n in CONTROL_FLOW for _, n in inner.unsupported):
            self.facts.graph_helpers.add(name)  # checked as any graph helper is
            return
        if name in statement.nested or name in self.checked:
            return
        self.checked.add(name)
        if per_run:
            statement.nested += (name,)
        accept(state, statement, None, inner)
        for node, unsupported in inner.unsupported:
            state.block(node, not_handled(unsupported, f" in `{name}`"))
        for node, message in inner.problems:
            state.block(node, f"{message} (in `{name}`)")
        if inner.updates or inner.creates:
            state.block(self.call, f"`{name}` creates or updates variables")
        for called in sorted(inner.called_helpers - {name}):
            reads = function_globals(state.helpers[called]) & set(state.graph_names)
            if called not in statement.nested and any(
                    state.graph_names[n].kind in _PER_RUN for n in reads):
                state.block(self.call, f"`{name}` calls `{called}`, which reads values computed "
                                       f"per run")
        self.facts.random = self.facts.random or inner.random
        self.facts.called_helpers |= inner.called_helpers
        self.facts.graph_helpers |= inner.graph_helpers
        self.facts.graph_reads |= graph


_PER_RUN = (Kind.PLACEHOLDER, Kind.DEFERRED)


class _Updates(cst.CSTVisitor):
    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        if assign_call(self.ctx, node) is not None:
            self.found = True


def finish(program: GraphProgram) -> None:
    """A function that every user writes into its run function is left unused: it goes."""
    nested = {name for s in program.statements for name in s.nested}
    if not nested:
        return
    nesting = {id(s.line) for s in program.statements if s.nested}
    for item in program.items:
        node = item.node
        if isinstance(node, cst.FunctionDef) and node.name.value in nested:
            name = node.name.value
            others = [i for i in program.items if i is not item and id(i.node) not in nesting
                      and not (i.drop and isinstance(i.node, cst.With))  # flattened blocks
                      and name in read_names(i.node)]
            used = any(name in read_names(h) for h in program.helpers.values()
                       if h.name.value not in nested)
            if not others and not used:
                item.drop = True
                item.obsolete_comments = True  # they move with the function
