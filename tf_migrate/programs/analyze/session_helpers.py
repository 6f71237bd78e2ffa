"""Functions of the script that run the graph with a session: the one they are given
(`def evaluate(sess, data): return sess.run(accuracy, {x: data})`, called as
`evaluate(sess, test_x)`) or the script's own (`sess` read as a global).

TF2 has no session. Their run sites become calls of the program's run functions, as the
program's own run sites do, and a session parameter goes from the definition and from every
call (the function then takes what it computes with, not the session). Followed when every use
of the session in the function is the receiver of `.run(...)` or the `session=` of `.eval()` or
`.run()`, the function builds no graph ops, and the program calls it (by name, after building
the graph) with one of its sessions in the same place each time.

A function that opens a session itself over the program's graph (`def main():` holding
`with tf.Session() as sess:`, the graph built at module level) is an *opener*: its run sites
run where the program calls it, and the functions it gives its session are session helpers
called there. TF2 has its variables from the start, so its sessions go from its body; the
analysis (analyze/program.py) refuses it when it is called more than once or in a loop.

A model class's methods are *entries*: functions of the class's program (programs/model_class.py)
that code outside it calls, after the graph is built. Their run sites are taken to run where
they are defined, at the end of the program, as often as they are called.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.syntax import call_name, made_default
from tf_migrate.programs.model import Context, Item, WithoutSession


@dataclass(eq=False)
class SessionHelper:
    function: cst.FunctionDef
    session: str  # the name the function runs the graph with: its parameter, or the global
    plan: WithoutSession | None  # None: the session is the script's global, nothing goes
    calls: list[tuple[int, cst.Call]] = field(default_factory=list)  # (item index, call)
    definition: int = 0  # the index of its definition among the program's items
    # An opener: the names it binds to the sessions it opens at the top of its body.
    opens: frozenset[str] = frozenset()
    repeated: set[int] = field(default_factory=set)  # ids of calls in loops or functions
    # Calls made inside an opener, by id: the opener's call, where they run.
    inside: dict[int, tuple[int, cst.Call]] = field(default_factory=dict)

    @property
    def first_run(self) -> tuple[int, cst.CSTNode]:
        """The item and the node where its run sites are taken to run first: its first call, or
        its definition for an entry the program itself does not call."""
        if self.calls:
            index, call = self.calls[0]
            return self.inside.get(id(call), (index, call))
        return self.definition, self.function


def session_names(ctx: Context, items: Sequence[Item]) -> set[str]:
    """The names the program's own statements bind to sessions (`with tf.Session() as s`,
    `s = tf.Session()`)."""
    found: set[str] = set()
    for item in items:
        node = item.node
        if isinstance(node, cst.With):
            for with_item in node.items:
                opened = made_default(with_item.item) or with_item.item  # `.as_default()`
                if (call_name(ctx, opened) in sym.SESSIONS and with_item.asname
                        and isinstance(with_item.asname.name, cst.Name)):
                    found.add(with_item.asname.name.value)
        elif isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                if (isinstance(small, cst.Assign) and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Name)
                        and call_name(ctx, small.value) in sym.SESSIONS):
                    found.add(small.targets[0].target.value)
    return found


class _Uses(cst.CSTVisitor):
    """How a function body uses one name: only as a `.run(...)` receiver or a `session=`."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.allowed: set[int] = set()
        self.other = 0

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "run"
                and isinstance(func.value, cst.Name) and func.value.value == self.name):
            self.allowed.add(id(func.value))
        if isinstance(func, cst.Attribute) and func.attr.value in ("run", "eval"):
            for arg in node.args:
                if (arg.keyword is not None and arg.keyword.value == "session"
                        and isinstance(arg.value, cst.Name) and arg.value.value == self.name):
                    self.allowed.add(id(arg.value))

    def visit_Arg(self, node: cst.Arg) -> bool:
        _walk_visit(node.value, self)  # a keyword named like the session is no use of it
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name and id(node) not in self.allowed:
            self.other += 1


def _only_runs(function: cst.FunctionDef, name: str) -> bool:
    uses = _Uses(name)
    _walk_visit(function.body, uses)
    return uses.other == 0 and bool(uses.allowed)


class _Calls(cst.CSTVisitor):
    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names
        self.found: list[cst.Call] = []
        self.repeated: set[int] = set()  # calls in loops, comprehensions or functions
        self.depth = 0

    def _enter(self, node: cst.CSTNode) -> None:
        self.depth += 1

    def _leave(self, original_node: cst.CSTNode) -> None:
        self.depth -= 1

    visit_For = visit_While = visit_CompFor = visit_Lambda = visit_FunctionDef = _enter
    leave_For = leave_While = leave_CompFor = leave_Lambda = leave_FunctionDef = _leave

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value in self.names:
            self.found.append(node)
            if self.depth:
                self.repeated.add(id(node))


def own_sessions(ctx: Context, function: cst.FunctionDef) -> frozenset[str]:
    """The names a function binds to sessions it opens at the top of its body (directly or in
    a `with tf.Session() as s:` there)."""
    if not isinstance(function.body, cst.IndentedBlock):
        return frozenset()
    statements = [Item(s, (0, 0), (0, 0)) for s in function.body.body]
    return frozenset(session_names(ctx, statements))


def find(ctx: Context, items: Sequence[Item], sessions: set[str],
         entries: Collection[str] = ()) -> dict[str, SessionHelper]:
    """The program's session helpers by name: functions among `items` that run the graph with
    one of `sessions`, as the module docstring says; `entries`: the names of functions called
    from outside the program."""
    functions = {item.node.name.value: item.node for item in items
                 if isinstance(item.node, cst.FunctionDef)}
    definitions = {item.node.name.value: index for index, item in enumerate(items)
                   if isinstance(item.node, cst.FunctionDef)}
    calls: dict[str, list[tuple[int, cst.Call]]] = {name: [] for name in functions}
    repeated: set[int] = set()
    for index, item in enumerate(items):
        if isinstance(item.node, cst.FunctionDef | cst.ClassDef):
            continue
        finder = _Calls(set(functions))
        _walk_visit(item.node, finder)
        repeated |= finder.repeated
        for call in finder.found:
            assert isinstance(call.func, cst.Name)
            calls[call.func.value].append((index, call))
    found: dict[str, SessionHelper] = {}
    inside: dict[int, tuple[int, cst.Call]] = {}
    for name, function in functions.items():
        opens = own_sessions(ctx, function)
        if not opens or not calls[name]:
            continue
        found[name] = SessionHelper(function, min(opens), None, calls[name],
                                    definitions[name], opens, repeated)
        sessions = sessions | opens
        # What the opener calls runs where the program calls it.
        finder = _Calls(set(functions) - {name})
        _walk_visit(function.body, finder)
        for call in finder.found:
            assert isinstance(call.func, cst.Name)
            calls[call.func.value].append((calls[name][0][0], call))
            inside[id(call)] = calls[name][0]
    for name, function in functions.items():
        if name in found:
            continue
        helper = _helper(function, calls[name], sessions, entry=name in entries)
        if helper is not None:
            helper.definition = definitions[name]
            helper.inside = inside
            found[name] = helper
    return found


def _helper(function: cst.FunctionDef, calls: list[tuple[int, cst.Call]], sessions: set[str],
            *, entry: bool) -> SessionHelper | None:
    params = function.params
    if not (calls or entry) or function.decorators or not (params.params or entry):
        return None
    if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg is not None:
        return None
    names = tuple(param.name.value for param in params.params)
    given = [bind_args(call, names) or {} for _, call in calls]
    for index, parameter in enumerate(names):
        passed = [bound.get(parameter) for bound in given]
        if passed and all(isinstance(value, cst.Name) and value.value in sessions
                          for value in passed):
            if not _only_runs(function, parameter) or params.params[index].default is not None:
                return None
            return SessionHelper(function, parameter, WithoutSession(parameter, index), calls)
    globals_read = read_names(function.body) & sessions - set(names)
    if len(globals_read) == 1:
        (session,) = globals_read
        if _only_runs(function, session):
            return SessionHelper(function, session, None, calls)
    return None
