"""Graph program analysis of a TF1 script: the module's top level, or the body of the one
function that builds the graph and runs the session (`def main():`).

Reads the module (or that body) top to bottom, Session, `tf.Graph().as_default()`,
`tf.name_scope`, `tf.device` and `tf.control_dependencies` blocks dedented into it, and sorts
each statement: graph statements (classified by statements.py), session statements, the
script's functions and classes, and plain Python that may hold run sites (`sess.run(...)`,
`t.eval(...)`, `init.run()`: run_sites.py). Anything the analysis does not follow is a
*blocker*: a node and a sentence saying what stopped the rewrite. Then come the checks that need
the whole program (metrics, iterators, sessions, training), the slices (slicing.py) and the
checks that need those.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import bindings, read_names
from tf_migrate.cst.code import code
from tf_migrate.cst.targets import flat_targets, target_names
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze import (
    arg_scopes,
    control_flow,
    graph_prints,
    iterator_runs,
    layers,
    metrics,
    optimizer_statements,
    recurrent_states,
    regularization,
    sequential,
    session_helpers,
    sparse_values,
)
from tf_migrate.programs.analyze.callables import imported_calls
from tf_migrate.programs.analyze.evidence import mentions_tf1_graph
from tf_migrate.programs.analyze.expressions import examine
from tf_migrate.programs.analyze.run_sites import SiteFinder
from tf_migrate.programs.analyze.slicing import compute_slices
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.statements import GraphStatements
from tf_migrate.programs.analyze.syntax import (
    NAMES_ONLY,
    call_name,
    compat_v1_import,
    imported_names,
    made_default,
    naming_scope,
    tf_alias,
    version_switch,
)
from tf_migrate.programs.model import (
    ArgScope,
    Context,
    GraphProgram,
    ImportedHelper,
    Item,
    Kind,
)
from tf_migrate.programs.reset_helpers import calls_reset_helper, reset_helpers


def _main_block(stmt: cst.BaseStatement) -> bool:
    """`if __name__ == "__main__":` (either way round), without `else`."""
    if not isinstance(stmt, cst.If) or stmt.orelse is not None:
        return False
    test = stmt.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    sides = {code(test.left).replace("'", '"'),
             code(target.comparator).replace("'", '"')}
    return isinstance(target.operator, cst.Equal) and sides == {"__name__", '"__main__"'}


# `with` blocks that only scope names, devices or control inputs: dedented into the program.
_SCOPES = frozenset({"tf.name_scope", "tf.device", "tf.control_dependencies"})

# The analysis stops at this many blockers: the finding names the first ones.
MAX_BLOCKERS = 3


class _Analyzer:
    def __init__(self, state: ProgramState, scope: cst.FunctionDef | cst.If | None,
                 segment: tuple[int, int] | None = None, entries: frozenset[str] = frozenset()
                 ) -> None:
        self.state = state
        self.ctx = state.ctx
        # A function, or the `if __name__ == "__main__":` block, whose body is the program;
        # None: the module, or the part of its top level between two `reset_default_graph()`.
        self.scope = scope
        self.segment = segment
        self.entries = entries  # functions of the program called from outside it
        self.session_functions: list[cst.FunctionDef | cst.If] = []
        self.notes: list[str] = []
        self.graph_blocks = 0
        self.sessions = SiteFinder(state)
        self.graph = GraphStatements(state, self.sessions)
        self.reset_helpers = reset_helpers(state.module, state.ctx)

    # -- flattening ------------------------------------------------------------------------
    def flatten(self, body: Sequence[cst.BaseStatement],
                control: tuple[cst.BaseExpression, ...] = (),
                defaults: tuple[ArgScope, ...] = ()) -> None:
        for stmt in body:
            if isinstance(stmt, cst.With) and self._scoping_with(stmt, control, defaults):
                continue
            if isinstance(stmt, cst.With) and self._flattened_with(stmt):
                continue
            graph = self._graph_alias(stmt)
            if graph is not None:
                self.sessions.graph_aliases.add(graph)
                self._add_item(stmt, drop=True)
                continue
            item = self._add_item(stmt)
            item.control, item.defaults = control, defaults

    def _scope_note(self, name: str | None) -> None:
        """What the finding says of a dropped scope that does more than name ops."""
        if name == "tf.device":
            self.notes.append("device placements (`tf.device`) are dropped: TF2 places ops "
                              "itself")
        if name == "tf.variable_scope":
            self.notes.append("variable scopes (`tf.variable_scope` without reuse) are "
                              "dropped: they only named the variables made in them, which TF2 "
                              "reaches as Python objects")

    def _scoping_with(self, stmt: cst.With, control: tuple[cst.BaseExpression, ...],
                      defaults: tuple[ArgScope, ...]) -> bool:
        """`with tf.name_scope(...)`, `tf.device(...)`, `tf.control_dependencies([...])` and
        slim's `arg_scope(...)` blocks: dedented. Names scope only op names; devices only
        placement (said in the finding); control inputs become dependencies of the statements
        inside, which TF2 runs after them in program order (tf.function keeps the order of
        stateful ops); an arg_scope's defaults go to the layers made inside."""
        if len(stmt.items) != 1 or not isinstance(stmt.body, cst.IndentedBlock):
            return False
        item = stmt.items[0]
        if arg_scopes.is_arg_scope(self.ctx, item.item) and item.asname is None:
            assert isinstance(item.item, cst.Call)
            scope = arg_scopes.arg_scope(self.ctx, item.item, self.state.block)
            self.notes.append("slim's `arg_scope` blocks are gone: the arguments they gave are "
                              "written out in the layers made inside them")
            self._add_item(stmt, drop=True)
            self.flatten(stmt.body.body, control, (*defaults, scope) if scope else defaults)
            return True
        name = call_name(self.ctx, item.item)
        naming = name == "tf.variable_scope" and naming_scope(self.ctx, item.item) == NAMES_ONLY
        if (name not in _SCOPES and not naming) or item.asname is not None:
            return False
        assert isinstance(item.item, cst.Call)
        self._scope_note(name)
        if name == "tf.control_dependencies":
            inputs = item.item.args[0].value if len(item.item.args) == 1 else None
            if layers.is_update_ops(self.ctx, inputs):
                # `tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))`: the
                # batch normalizations' updates, which Keras layers make themselves.
                self.state.update_ops_run = True
                inputs = cst.List([])
            elif isinstance(inputs, cst.Name):
                inputs = cst.List([cst.Element(inputs)])  # checked with the statements
            if not isinstance(inputs, cst.List | cst.Tuple) or any(
                    not isinstance(e.value, cst.Name) for e in inputs.elements):
                self.state.block(stmt, "`tf.control_dependencies` of something other than a list "
                                 "of names")
                return True
            control = (*control, *(e.value for e in inputs.elements))
        self._add_item(stmt, drop=True)
        self.flatten(stmt.body.body, control, defaults)
        return True

    def _graph_alias(self, stmt: cst.BaseStatement) -> str | None:
        """`graph = tf.Graph()`: the one graph, under a name (dropped with its `as_default()`)."""
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return None
        small = stmt.body[0]
        if not isinstance(small, cst.Assign) or len(small.targets) != 1:
            return None
        target = small.targets[0].target
        call = small.value
        if (
            isinstance(target, cst.Name)
            and call_name(self.ctx, call) == "tf.Graph"
            and (isinstance(call, cst.Call) and not call.args)
        ):
            return target.value
        return None

    def _add_item(self, stmt: cst.BaseStatement, drop: bool = False) -> Item:
        item = Item(stmt, self.ctx.start(stmt), self.ctx.end(stmt), drop=drop)
        self.state.items.append(item)
        return item

    def _flattened_with(self, stmt: cst.With) -> bool:
        """`with tf.Graph().as_default():`, `with tf.Session() as s:`, `with s.as_default():`
        and `with tf.Session().as_default() as s:` blocks, or one `with` entering several of
        them (`with tf.Graph().as_default(), tf.Session() as s:`): dedented, the sessions'
        blocks being where `.eval()` and `op.run()` have a default session."""
        if not isinstance(stmt.body, cst.IndentedBlock):
            return False
        kinds: list[str | None] = []
        bound: set[str] = set()  # sessions the statement's earlier items name
        for item in stmt.items:
            kinds.append(self._with_kind(item, bound))
            if kinds[-1] in ("session", "default") and item.asname is not None and isinstance(
                    item.asname.name, cst.Name):
                bound.add(item.asname.name.value)
        if None in kinds:
            if any(kind is not None for kind in kinds):
                self.state.block(stmt, "a `with` statement enters a graph or session together "
                                       "with other contexts (write them as nested `with` "
                                       "blocks)")
                self._add_item(stmt, drop=True)
                return True
            return False
        opened = [item for kind, item in zip(kinds, stmt.items, strict=True)
                  if kind == "session" or (kind == "default"
                                           and isinstance(made_default(item.item), cst.Call))]
        if len(opened) > 1:
            self.state.block(stmt, "one `with` statement opens two sessions")
            self._add_item(stmt, drop=True)
            return True
        for kind, item in zip(kinds, stmt.items, strict=True):
            asname = item.asname
            name = asname.name.value if asname and isinstance(asname.name, cst.Name) else None
            if kind == "scope":
                self._scope_note(call_name(self.ctx, item.item))
                continue
            if kind == "graph":
                if name is not None:
                    self.sessions.graph_aliases.add(name)
                self.graph_blocks += 1
                if self.graph_blocks > 1:
                    self.state.block(stmt, "the script builds two graphs")
                continue
            session = made_default(item.item) if kind == "default" else item.item
            if isinstance(session, cst.Call):
                # `tf.Session()`, `tf.Session().as_default()`: a session opened here.
                self.sessions.open(stmt, session, name, default=True)
            else:
                # `s.as_default()` of a session opened before: `.eval()` has it in the block.
                if name is not None:
                    self.sessions.names.add(name)
                self.sessions.defaults.append((self.ctx.start(stmt), self.ctx.end(stmt)))
        self._add_item(stmt, drop=True)
        self.flatten(stmt.body.body)
        return True

    def _with_kind(self, item: cst.WithItem, bound: set[str]) -> str | None:
        """"graph" for the one graph made the default, "session" for a session opened,
        "default" for a session made the default (opened there or before), "scope" for a name
        scope or a device (dropped, as their own blocks are), None for other contexts."""
        name = call_name(self.ctx, item.item)
        if name in sym.SESSIONS:
            return "session"
        if name in ("tf.name_scope", "tf.device") and item.asname is None:
            return "scope"
        if name == "tf.variable_scope" and item.asname is None and (
                naming_scope(self.ctx, item.item) == NAMES_ONLY):
            # Names the variables created in it: TF2's variables are the objects themselves.
            return "scope"
        made = made_default(item.item)
        if made is None:
            return None
        named = made.value if isinstance(made, cst.Name) else None
        if named in self.sessions.graph_aliases or call_name(self.ctx, made) == "tf.Graph":
            return "graph"
        sessions = self.sessions.names | bound
        if call_name(self.ctx, made) in sym.SESSIONS or named in sessions or (
                named in session_helpers.session_names(self.ctx, self.state.items)):
            return "default"
        return None

    # -- statements ------------------------------------------------------------------------
    def run(self) -> None:
        if self.scope is not None:
            # The module's own functions are helpers the program may call.
            for top in self.state.module.body:
                if isinstance(top, cst.FunctionDef) and top is not self.scope:
                    self.state.helpers[top.name.value] = top
            assert isinstance(self.scope.body, cst.IndentedBlock)
            self.flatten(self.scope.body.body)
        elif self.segment is not None:
            start, end = self.segment
            # The functions defined before the segment are helpers it may call.
            for top in self.state.module.body[:start]:
                if isinstance(top, cst.FunctionDef):
                    self.state.helpers[top.name.value] = top
            self.flatten(self.state.module.body[start:end])
        else:
            self.flatten(self.state.module.body)
        items = self.state.items
        # Config statements go before the statements are classified: they build no graph.
        self.sessions.configs.collect(items)
        self.sessions.session_helpers = session_helpers.find(
            self.ctx, items, session_helpers.session_names(self.ctx, items) | self.sessions.names,
            self.entries)
        for index, item in enumerate(self.state.items):
            if len(self.state.blockers) >= MAX_BLOCKERS:
                return
            if item.drop:
                continue
            stmt = item.node
            if isinstance(stmt, cst.FunctionDef):
                self.state.helpers[stmt.name.value] = stmt
                helper = self.sessions.session_helpers.get(stmt.name.value)
                # A function opening a session over no graph built before it holds the
                # program itself (session_program._session_function).
                opener = helper is not None and bool(helper.opens) and any(
                    s.kind is not Kind.EAGER for s in self.state.statements)
                if opener:
                    assert helper is not None
                    self._opener(helper)
                elif helper is not None and not helper.opens:
                    self.sessions.helper_sites(helper)
                elif self.sessions.opens_session(stmt):
                    self.session_functions.append(stmt)
                    self.state.block(
                        stmt,
                        f"a session runs inside function `{stmt.name.value}`, and the module "
                        "builds graph ops or runs sessions too" + self._app_run(stmt),
                    )
            elif isinstance(stmt, cst.ClassDef):
                self._class(stmt)
            elif _main_block(stmt) and self.sessions.opens_session(stmt):
                assert isinstance(stmt, cst.If)
                self.session_functions.append(stmt)
                self.state.block(stmt, "a session runs inside `if __name__ == \"__main__\":`, and "
                                       "the module builds graph ops or runs sessions too")
            elif isinstance(stmt, cst.SimpleStatementLine):
                self._simple_line(stmt, item, index)
            elif isinstance(stmt, cst.If) and version_switch(self.ctx, stmt, sym.V1_SWITCHES):
                item.drop = True
            else:
                self.sessions.check_python(stmt, index)
                self._unbind(stmt)

    def _app_run(self, function: cst.FunctionDef) -> str:
        """Why a `main` that `tf.app.run()` calls is not followed, and what to change."""
        if function.name.value != "main" or not session_helpers.own_sessions(self.ctx, function):
            return ""
        finder = _AppRun(self.ctx)
        for item in self.state.items:
            _walk_visit(item.node, finder)
        if finder.line is None:
            return ""
        return (f"; `tf.app.run()` calls it (line {finder.line}), which the rewrite does not "
                "follow: call `main()` under `if __name__ == \"__main__\":` instead (TF2 has "
                "no `tf.app`)")

    def _opener(self, helper: session_helpers.SessionHelper) -> None:
        """A function that opens a session over the program's graph (`def main():`): its body
        runs where the program calls it, its sessions gone."""
        function, name = helper.function, helper.function.name.value
        index, call = helper.calls[0]
        consequence = ("each call of it starts TF1 from freshly initialized variables, where "
                       "TF2 would go on from the last call's")
        defined = self.ctx.start(function)[0]
        if len(helper.calls) > 1:
            self.state.block(helper.calls[1][1], f"function `{name}` (line {defined}) opens a "
                                                 f"session and is called again: {consequence}")
            return
        if id(call) in helper.repeated:
            self.state.block(call, f"function `{name}` (line {defined}) opens a session and is "
                                   f"called in a loop or another function: {consequence}")
            return
        assert isinstance(function.body, cst.IndentedBlock)
        found = len(self.state.sites)
        self._opener_body(function.body.body, index, name)
        sites = self.state.sites[found:]
        # Its runs, and the calls of the helpers it gives its session, come after its
        # initializer runs: all of them are taken to run where it is called.
        runs = [site.position for site in sites if not site.initializer]
        runs += [self.ctx.start(each) for other in self.sessions.session_helpers.values()
                 for _, each in other.calls if other.inside.get(id(each), (0, None))[1] is call]
        for site in sites:
            if site.initializer:
                self.state.own_initializers.add(id(site.call))
            if site.initializer and any(run < site.position for run in runs):
                self.state.block(site.call, "an initializer runs after the variables were used "
                                            "(TF1 would reset them)")
        start = self.ctx.start(call)
        for site in sites:
            site.position = start
        self.sessions.defaults.append((start, self.ctx.end(call)))

    def _opener_body(self, body: Sequence[cst.BaseStatement], index: int, name: str) -> None:
        gone = self.state.own_sessions
        for stmt in body:
            if len(self.state.blockers) >= MAX_BLOCKERS:
                return
            if isinstance(stmt, cst.With) and len(stmt.items) == 1 and isinstance(
                    stmt.body, cst.IndentedBlock) and self._with_kind(stmt.items[0], set()) in (
                    "session", "default"):
                item = stmt.items[0]
                asname = item.asname
                session = (asname.name.value if asname and isinstance(asname.name, cst.Name)
                           else None)
                opened = made_default(item.item) or item.item
                if isinstance(opened, cst.Call):
                    self.sessions.open(stmt, opened, session, default=True)
                elif session is not None:
                    # `with sess.as_default() as s:`: its runs are the call's, which has it.
                    self.sessions.names.add(session)
                gone.dedented.add(id(stmt))
                self._opener_body(stmt.body.body, index, name)
                continue
            if isinstance(stmt, cst.SimpleStatementLine):
                role = None
                for small in stmt.body:
                    role = self.sessions.session_statement(small, stmt, index)
                    if role is not None:
                        break
                if role is not None:
                    if len(stmt.body) > 1:
                        self.state.block(stmt, "a session statement shares its line with others")
                    gone.dropped.add(id(stmt))
                    continue
                if any(isinstance(small, cst.Assign) and self._is_graph(small)
                       for small in stmt.body):
                    self.state.block(stmt, f"function `{name}` opens a session over the "
                                           "module's graph and builds graph ops too (build them "
                                           "with the module's graph)")
                    continue
            self.sessions.check_python(stmt, index)

    def _class(self, stmt: cst.ClassDef) -> None:
        facts = examine(self.ctx, stmt, set(self.state.graph_names), self.state.helpers)
        if facts.tf_calls or read_names(stmt) & set(self.state.graph_names):
            self.state.block(
                stmt, f"class `{stmt.name.value}` builds graph ops (a class is rewritten when "
                "its methods run its graph with a session it keeps, `self.sess.run(...)`, or "
                "when its one method, `__init__`, builds the graph into attributes, it is "
                "instantiated once and the instance is read only through them)")

    def _unbind(self, stmt: cst.CSTNode) -> None:
        """A Python statement that rebinds a graph name makes it a Python value again."""
        for name, _ in bindings([stmt]):
            self.state.graph_names.pop(name, None)

    def _simple_line(self, stmt: cst.SimpleStatementLine, item: Item, index: int) -> None:
        for small in stmt.body:
            role = self.sessions.session_statement(small, stmt, index)
            if role is not None:
                if len(stmt.body) > 1:
                    self.state.block(stmt, "a session statement shares its line with others")
                item.drop = True
                item.obsolete_comments = role == "initializer"
                return
            if isinstance(small, cst.Expr) and call_name(self.ctx, small.value) in (
                sym.V1_SWITCHES
            ) and len(stmt.body) == 1:
                item.drop = True
                return
            if calls_reset_helper(stmt, self.reset_helpers):
                # `reset_graph()`: a new graph after ops were built (another program), or the
                # seeding before this one's (reset_helpers.py); the call stays.
                if self.state.statements:
                    self.state.block(stmt, "the default graph is reset after ops were built")
                return
            if isinstance(small, cst.Expr) and call_name(self.ctx, small.value) in (
                sym.DROPPED_CALLS
            ):
                if self.state.statements or len(stmt.body) > 1:
                    self.state.block(stmt, "the default graph is reset after ops were built")
                item.drop = item.obsolete_comments = True
                return
        graph = [s for s in stmt.body if isinstance(s, cst.Assign) and self._is_graph(s)]
        if not graph:
            printed = graph_prints.recognize(self.state, stmt, index)
            if printed is not None and not self.sessions.has_run_site(stmt):
                # Placed once the slices are known (graph_prints.place).
                self.state.prints.append(printed)
                return
            self.sessions.check_python(stmt, index)
            self._unbind(stmt)
            return
        if len(stmt.body) > 1:
            self.state.block(stmt, "a graph statement shares its line with other statements")
            return
        assign = graph[0]
        if len(assign.targets) != 1:
            self.state.block(stmt, "chained assignment of a graph value")
            return
        names = target_names(assign.targets[0].target)
        if not names or len(names) != len(flat_targets(assign.targets[0].target)):
            self.state.block(stmt, "a graph value is assigned to something other than names")
            return
        self.graph.add(stmt, assign, tuple(names), item)

    def _is_graph(self, assign: cst.Assign) -> bool:
        if self.sessions.has_run_site(assign.value) or read_names(assign) & self.sessions.names:
            return False
        if self.sessions.feed_binding(assign, set(self.state.graph_names)):
            return False
        facts = examine(self.ctx, assign.value, set(self.state.graph_names), self.state.helpers)
        # A `tf.SparseTensorValue` is a Python value, fed later (analyze/sparse_values.py).
        tf_calls = [name for name in facts.tf_calls if name != sym.SPARSE_VALUE]
        return bool(tf_calls or facts.graph_reads or facts.graph_helpers) or any(
            helper.builds_ops for _, helper in imported_calls(assign.value, self.state.imported))


class _AppRun(cst.CSTVisitor):
    """The line of the first `tf.app.run(...)` call."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.line: int | None = None

    def visit_Call(self, node: cst.Call) -> None:
        if self.line is None and self.ctx.tf_name(node.func) == "tf.app.run":
            self.line = self.ctx.start(node)[0]


def analyze(module: cst.Module, ctx: Context, *, tf1_evidence: bool | None = None,
            keras: str = "tf.keras", scope: cst.FunctionDef | cst.If | None = None,
            segment: tuple[int, int] | None = None, entries: frozenset[str] = frozenset(),
            imported: Mapping[str, ImportedHelper] | None = None) -> GraphProgram:
    """`tf1_evidence`: whether the caller already saw a TF1 session or placeholder in `module`
    (None: look for one here, at the cost of a traversal). `keras`: how to spell Keras.
    `scope`: analyse this function's body as the program instead of the module's. `segment`:
    analyse only the module's top-level statements in this range (start, end). `entries`: the
    names of the program's functions that code outside it calls (a model class's methods,
    programs/model_class.py). `imported`: the helpers the module imports from its project
    (analyze/imported_helpers.py)."""
    if tf1_evidence is None:
        tf1_evidence = mentions_tf1_graph(module, ctx)
    if not tf1_evidence:
        return GraphProgram([], [], [], [], {}, {}, None, [], [], {}, tf1_program=False)
    compat = compat_v1_import(module)
    state = ProgramState(ctx, module, keras, imported=imported or {})
    analyzer = _Analyzer(state, scope, segment, entries)
    analyzer.run()
    metrics.finish(state)
    layers.finish(state)
    recurrent_states.finish(state)
    regularization.finish(state)
    iterator_runs.finish(state)
    analyzer.sessions.finish()
    sparse_values.check(state, analyzer.sessions.feeds)
    session_config = analyzer.sessions.configs.finish()
    optimizer_statements.check_schedules(state)
    program = GraphProgram(
        items=state.items,
        statements=state.statements,
        sites=state.sites,
        slices=[],
        feeds=analyzer.sessions.feeds,
        helpers=state.helpers,
        tf_alias=tf_alias(module) or (compat[1] if compat else None),
        blockers=state.blockers,
        unsafe=state.unsafe,
        bindings={},
        modules=analyzer.graph.modules,
        imported=state.imported,
        scope=scope,
        session_functions=analyzer.session_functions,
        notes=list(dict.fromkeys([*analyzer.notes, *state.notes])),
        random_draws=state.random_draws,
    )
    if scope is not None or segment is not None:
        program.outer_names = {name for name, _ in bindings(module.body)}
    program.segment = segment
    program.compat_import = compat[0] if compat and not tf_alias(module) else None
    program.rewrites, program.in_place = state.rewrites, state.in_place
    program.prints = state.prints
    program.session_config = session_config
    program.own_sessions = state.own_sessions
    program.reset = state.reset
    program.tuple_fields = state.tuple_fields
    if program.tf_alias is None and program.sites:
        # Anchored where the program runs: the module would put it on line 1, in a notebook
        # whichever cell comes first.
        state.blockers.append(
            (program.sites[0].call, "no `import tensorflow` (as tf) to spell TF2 calls with")
        )
    if not state.blockers:
        names_imported = imported_names(module) if segment is not None else set()
        for name, node in bindings((item.node for item in state.items if not _is_with(item)),
                                   names_imported):
            program.bindings.setdefault(name, []).append(ctx.start(node))
        compute_slices(program, ctx)
        sequential.compose(program, lambda: analyzer.graph.identifiers, keras)
        graph_prints.place(program)
        iterator_runs.check(program, ctx)
        control_flow.finish(program)
    del program.blockers[MAX_BLOCKERS:]
    return program


def _is_with(item: Item) -> bool:
    return item.drop and isinstance(item.node, cst.With)
