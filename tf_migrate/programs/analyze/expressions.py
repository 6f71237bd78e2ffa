"""What a graph expression (or a helper function's body) does: TF calls, graph names it reads,
random draws, variable updates, and constructs the session rewrite cannot carry over."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import function_globals, reads
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.call_chains import spelled
from tf_migrate.programs.analyze.python_values import python_names, python_valued
from tf_migrate.programs.model import Context


@dataclass
class ExpressionFacts:
    tf_calls: list[str] = field(default_factory=list)
    graph_reads: set[str] = field(default_factory=set)
    graph_helpers: set[str] = field(default_factory=set)
    called_helpers: set[str] = field(default_factory=set)
    random: bool = False
    updates: set[str] = field(default_factory=set)
    creates: bool = False
    unsupported: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    problems: list[tuple[cst.CSTNode, str]] = field(default_factory=list)


def assign_call(ctx: Context, call: cst.Call) -> tuple[str, cst.BaseExpression, str] | None:
    """(method, ref, TF1 function name or "") for `tf.assign*(ref, value)` and
    `ref.assign*(value)`."""
    name = ctx.tf_name(call.func)
    if name in sym.ASSIGN_FUNCTIONS:
        ref = call.args[0].value if call.args and call.args[0].keyword is None else None
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "ref":
                ref = arg.value
        if ref is not None:
            return sym.ASSIGN_FUNCTIONS[name], ref, name
        return None
    func = call.func
    if name is None and isinstance(func, cst.Attribute) and func.attr.value in sym.ASSIGN_METHODS:
        return func.attr.value, func.value, ""
    return None


class _Examiner(cst.CSTVisitor):
    def __init__(
        self, ctx: Context, graph_names: set[str], helpers: Mapping[str, cst.FunctionDef],
        skip: cst.Call | None, fields: Mapping[str, frozenset[str]],
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.graph_names = graph_names
        self.fields = fields
        self.helpers = helpers
        self.skip = skip
        self.facts = ExpressionFacts()
        self.chained: set[int] = set()  # inner calls of a method chain already reported
        # Per function entered: its local names that hold Python values (python_values.py).
        self.python_names: list[set[str]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.python_names.append(python_names(self.ctx, node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.python_names.pop()

    def visit_Call(self, node: cst.Call) -> bool:
        if node is self.skip:
            return False
        self._call(node)
        return True

    def _call(self, node: cst.Call) -> None:
        facts = self.facts
        update = assign_call(self.ctx, node)
        if update is not None:
            self._update(node, update)
        name = self.ctx.tf_name(node.func)
        if name is None:
            func = node.func
            if isinstance(func, cst.Name) and func.value in self.helpers:
                facts.called_helpers.add(func.value)
                helper = self.helpers[func.value]
                inner = examine(self.ctx, helper, set(), {})
                # One returning a `tf.SparseTensorValue` builds no op (analyze/sparse_values.py).
                ops = [call for call in inner.tf_calls if call != sym.SPARSE_VALUE]
                if ops or function_globals(helper) & self.graph_names:
                    facts.graph_helpers.add(func.value)
            return
        if sym.python_level(name) or name in sym.ASSIGN_FUNCTIONS:
            return
        facts.tf_calls.append(name)
        if name in (sym.VARIABLE, *sym.PLACEHOLDERS):
            facts.creates = True
        if sym.is_random(name):
            facts.random = True
        elif (sym.unsupported(name) or name in sym.SESSIONS) and id(node) not in self.chained:
            spelling, links = spelled(self.ctx, node, name)  # `a(...).b(...)`, named once
            self.chained.update(id(call) for call in links)
            facts.unsupported.append((node, spelling))

    def _update(self, node: cst.Call, update: tuple[str, cst.BaseExpression, str]) -> None:
        method, ref, function = update
        if not isinstance(ref, cst.Name):
            self.facts.problems.append(
                (node, f"`{method}` on something other than a variable name"))
            return
        self.facts.updates.add(ref.value)
        allowed = sym.ASSIGN_KEYWORDS | ({"ref", "value"} if function else {"value"})
        extra = [a for a in node.args if a.keyword is not None and a.keyword.value not in allowed]
        positional = [a for a in node.args if a.keyword is None]
        if extra or len(positional) > (2 if function else 1) or any(a.star for a in node.args):
            self.facts.problems.append((node, f"`{method}` with arguments TF2 does not take"))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        value = node.value
        graph = isinstance(value, cst.Name) and value.value in self.graph_names
        if graph and node.attr.value not in sym.ASSIGN_METHODS | sym.STATIC_ATTRIBUTES and (
                node.attr.value not in self.fields.get(getattr(value, "value", ""), ())):
            assert isinstance(value, cst.Name)
            self.facts.problems.append(
                (node, f"`{value.value}.{node.attr.value}` reads a graph object's attribute")
            )

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            if isinstance(target.operator, cst.Equal | cst.NotEqual):
                operands = (node.left, target.comparator)
                if any(_plain_constant(operand) for operand in operands):
                    continue
                names = self.python_names[-1] if self.python_names else set()
                if all(python_valued(self.ctx, operand, names) for operand in operands):
                    continue  # numbers compared, as in `len(x.get_shape()) == 2`
                self.facts.problems.append(
                    (node, "`==`/`!=` compares graph tensors by identity in TF1 but elementwise "
                           "in TF2")
                )


def _plain_constant(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString | cst.ConcatenatedString) or (
        isinstance(node, cst.Name) and node.value == "None"
    )


def not_handled(name: str, where: str = "") -> str:
    """The refusal for a TF symbol the rewrite does not carry over, with what to do by hand."""
    advice = sym.by_hand(name)
    return f"`{name}`{where} is not handled by the session rewrite" + (
        f": {advice}" if advice else "")


def block_on(
    block: Callable[[cst.CSTNode, str], None], facts: ExpressionFacts, where: str = ""
) -> None:
    """Stop the rewrite, through `block`, at each call the analysis does not handle and at each
    problem `facts` found (`where`: said after each, e.g. " in `helper`")."""
    for call, name in facts.unsupported:
        block(call, not_handled(name, where))
    for problem, message in facts.problems:
        block(problem, message + where)


def examine(
    ctx: Context,
    node: cst.CSTNode,
    graph_names: set[str],
    helpers: Mapping[str, cst.FunctionDef],
    skip: cst.Call | None = None,
    fields: Mapping[str, frozenset[str]] | None = None,
) -> ExpressionFacts:
    """What `node` does; `skip`: a call inside it left out (its value is the caller's);
    `fields`: graph values that are tuples of tensors, and the fields read from them."""
    visitor = _Examiner(ctx, graph_names, helpers, skip, fields or {})
    _walk_visit(node, visitor)
    skipped = {id(name) for name in reads(skip)} if skip is not None else set()
    visitor.facts.graph_reads = {n.value for n in reads(node)
                                 if n.value in graph_names and id(n) not in skipped}
    return visitor.facts
