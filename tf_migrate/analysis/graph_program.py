"""Graph program analysis of a TF1 script: the module's top level, or the body of the one
function that builds the graph and runs the session (`def main():`).

Reads the module (or that body) top to bottom (Session and `tf.Graph().as_default()` blocks
dedented into it) and classifies each statement: placeholders, variables, initializers, graph
statements (eager: pure values of constants; deferred: they read placeholders or variables,
update variables or draw random numbers), session statements, and plain Python that may hold
run sites
(`sess.run(...)`, `t.eval(...)`, `init.run()`). Anything the analysis does not follow is a
*blocker*: a node and a sentence saying what stopped the rewrite. Slices are computed by
analysis/slicing.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from tf_migrate.analysis import control_flow, iterator_runs, iterators, metrics, training
from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.callables import foreign_calls, imported_modules
from tf_migrate.analysis.evidence import mentions_tf1_graph
from tf_migrate.analysis.expressions import block_on, examine
from tf_migrate.analysis.names import (
    bindings,
    function_globals,
    function_locals,
    mutated_globals,
    read_names,
)
from tf_migrate.analysis.program_model import (
    Context,
    GraphProgram,
    GraphStatement,
    Item,
    Kind,
    Rewrite,
)
from tf_migrate.analysis.run_sites import SiteFinder
from tf_migrate.analysis.slicing import compute_slices
from tf_migrate.analysis.syntax import compat_v1_import, is_docstring, literal_dtype, tf_alias
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.targets import flat_targets, target_names


def _main_block(stmt: cst.BaseStatement) -> bool:
    """`if __name__ == "__main__":` (either way round), without `else`."""
    if not isinstance(stmt, cst.If) or stmt.orelse is not None:
        return False
    test = stmt.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    target = test.comparisons[0]
    sides = {cst.Module([]).code_for_node(test.left).replace("'", '"'),
             cst.Module([]).code_for_node(target.comparator).replace("'", '"')}
    return isinstance(target.operator, cst.Equal) and sides == {"__name__", '"__main__"'}


def _is_dtype(ctx: Context, node: cst.BaseExpression) -> bool:
    name = ctx.tf_name(node)
    return name is not None and name.rsplit(".", 1)[-1] in _DTYPES


_DTYPES = frozenset({"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                     "bool", "complex64", "complex128", "string", "bfloat16"})


def _call_name(ctx: Context, node: cst.BaseExpression) -> str | None:
    return ctx.tf_name(node.func) if isinstance(node, cst.Call) else None


# `with` blocks that only scope names, devices or control inputs: dedented into the program.
_SCOPES = frozenset({"tf.name_scope", "tf.device", "tf.control_dependencies"})

# The analysis stops at this many blockers: the finding names the first ones.
MAX_BLOCKERS = 3


class _Analyzer:
    def __init__(self, module: cst.Module, ctx: Context, keras: str = "tf.keras",
                 scope: cst.FunctionDef | cst.If | None = None) -> None:
        self.module = module
        # A function, or the `if __name__ == "__main__":` block, whose body is the program;
        # None: the module.
        self.scope = scope
        self.session_functions: list[cst.FunctionDef | cst.If] = []
        self.notes: list[str] = []
        self.ctx = ctx
        self.keras = keras  # how the rewrite spells Keras: "tf.keras" or "keras"
        self.items: list[Item] = []
        self.blockers: list[tuple[cst.CSTNode, str]] = []
        self.unsafe: list[str] = []
        self.statements: list[GraphStatement] = []
        self.graph_names: dict[str, GraphStatement] = {}  # name -> reaching definition now
        self.helpers: dict[str, cst.FunctionDef] = {}
        self.graph_blocks = 0
        self.modules = imported_modules(module)
        self.imported = {
            name for stmt in module.body if isinstance(stmt, cst.SimpleStatementLine)
            for small in stmt.body if isinstance(small, cst.Import | cst.ImportFrom)
            for name, _ in bindings([small])}
        self.sessions = SiteFinder(ctx, self)
        # TF2 forms of control flow and tf.data nodes (GraphProgram.rewrites, in_place).
        self.rewrites: dict[int, Rewrite] = {}
        self.in_place: dict[int, Rewrite] = {}

    def block(self, node: cst.CSTNode, message: str) -> None:
        line = self.ctx.start(node)[0]
        self.blockers.append((node, f"{message} (line {line})"))

    # -- flattening ------------------------------------------------------------------------
    def flatten(self, body: Sequence[cst.BaseStatement],
                control: tuple[cst.BaseExpression, ...] = ()) -> None:
        for stmt in body:
            if isinstance(stmt, cst.With) and self._scoping_with(stmt, control):
                continue
            if isinstance(stmt, cst.With) and self._flattened_with(stmt):
                continue
            graph = self._graph_alias(stmt)
            if graph is not None:
                self.sessions.graph_aliases.add(graph)
                self._add_item(stmt, drop=True)
                continue
            self._add_item(stmt).control = control

    def _scoping_with(self, stmt: cst.With, control: tuple[cst.BaseExpression, ...]) -> bool:
        """`with tf.name_scope(...)`, `tf.device(...)` and `tf.control_dependencies([...])`
        blocks: dedented. Names scope only op names; devices only placement (said in the
        finding); control inputs become dependencies of the statements inside, which TF2 runs
        after them in program order (tf.function keeps the order of stateful ops)."""
        if len(stmt.items) != 1 or not isinstance(stmt.body, cst.IndentedBlock):
            return False
        item = stmt.items[0]
        name = _call_name(self.ctx, item.item)
        if name not in _SCOPES or item.asname is not None:
            return False
        assert isinstance(item.item, cst.Call)
        if name == "tf.device":
            self.notes.append("device placements (`tf.device`) are dropped: TF2 places ops "
                              "itself")
        if name == "tf.control_dependencies":
            inputs = item.item.args[0].value if len(item.item.args) == 1 else None
            if not isinstance(inputs, cst.List | cst.Tuple) or any(
                    not isinstance(e.value, cst.Name) for e in inputs.elements):
                self.block(stmt, "`tf.control_dependencies` of something other than a list "
                                 "of names")
                return True
            control = (*control, *(e.value for e in inputs.elements))
        self._add_item(stmt, drop=True)
        self.flatten(stmt.body.body, control)
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
            and _call_name(self.ctx, call) == "tf.Graph"
            and (isinstance(call, cst.Call) and not call.args)
        ):
            return target.value
        return None

    def _add_item(self, stmt: cst.BaseStatement, drop: bool = False) -> Item:
        item = Item(stmt, self.ctx.start(stmt), self.ctx.end(stmt), drop=drop)
        self.items.append(item)
        return item

    def _flattened_with(self, stmt: cst.With) -> bool:
        if len(stmt.items) != 1 or not isinstance(stmt.body, cst.IndentedBlock):
            return False
        with_item = stmt.items[0].item
        if isinstance(with_item, cst.Call) and isinstance(with_item.func, cst.Attribute):
            graph = with_item.func.value
            named = isinstance(graph, cst.Name) and graph.value in self.sessions.graph_aliases
            if with_item.func.attr.value == "as_default" and (
                named or _call_name(self.ctx, graph) == "tf.Graph"
            ):
                asname = stmt.items[0].asname
                if asname is not None and isinstance(asname.name, cst.Name):
                    self.sessions.graph_aliases.add(asname.name.value)
                self.graph_blocks += 1
                if self.graph_blocks > 1:
                    self.block(stmt, "the script builds two graphs")
                self._add_item(stmt, drop=True)
                self.flatten(stmt.body.body)
                return True
        if _call_name(self.ctx, with_item) not in sym.SESSIONS:
            return False
        assert isinstance(with_item, cst.Call)
        asname = stmt.items[0].asname
        name = asname.name.value if asname and isinstance(asname.name, cst.Name) else None
        self.sessions.open(stmt, with_item, name, default=True)
        self._add_item(stmt, drop=True)
        self.flatten(stmt.body.body)
        return True

    # -- statements ------------------------------------------------------------------------
    def run(self) -> None:
        if self.scope is not None:
            # The module's own functions are helpers the program may call.
            for top in self.module.body:
                if isinstance(top, cst.FunctionDef) and top is not self.scope:
                    self.helpers[top.name.value] = top
            assert isinstance(self.scope.body, cst.IndentedBlock)
            self.flatten(self.scope.body.body)
        else:
            self.flatten(self.module.body)
        for index, item in enumerate(self.items):
            if len(self.blockers) >= MAX_BLOCKERS:
                return
            if item.drop:
                continue
            stmt = item.node
            if isinstance(stmt, cst.FunctionDef):
                self.helpers[stmt.name.value] = stmt
                if self.sessions.opens_session(stmt):
                    self.session_functions.append(stmt)
                    self.block(
                        stmt,
                        f"a session runs inside function `{stmt.name.value}`, and the module "
                        "builds graph ops or runs sessions too",
                    )
            elif isinstance(stmt, cst.ClassDef):
                self._class(stmt)
            elif _main_block(stmt) and self.sessions.opens_session(stmt):
                assert isinstance(stmt, cst.If)
                self.session_functions.append(stmt)
                self.block(stmt, "a session runs inside `if __name__ == \"__main__\":`, and the "
                                 "module builds graph ops or runs sessions too")
            elif isinstance(stmt, cst.SimpleStatementLine):
                self._simple_line(stmt, item, index)
            else:
                self.sessions.check_python(stmt, index)
                self._unbind(stmt)

    def _class(self, stmt: cst.ClassDef) -> None:
        facts = examine(self.ctx, stmt, set(self.graph_names), self.helpers)
        if facts.tf_calls or read_names(stmt) & set(self.graph_names):
            self.block(
                stmt, f"class `{stmt.name.value}` builds graph ops (a class is rewritten only "
                "when its one method, `__init__`, builds the graph into attributes, it is "
                "instantiated once and the instance is read only through them)")

    def _unbind(self, stmt: cst.CSTNode) -> None:
        """A Python statement that rebinds a graph name makes it a Python value again."""
        for name, _ in bindings([stmt]):
            self.graph_names.pop(name, None)

    def _simple_line(self, stmt: cst.SimpleStatementLine, item: Item, index: int) -> None:
        for small in stmt.body:
            role = self.sessions.session_statement(small, stmt, index)
            if role is not None:
                if len(stmt.body) > 1:
                    self.block(stmt, "a session statement shares its line with others")
                item.drop = True
                item.obsolete_comments = role == "initializer"
                return
            if isinstance(small, cst.Expr) and _call_name(self.ctx, small.value) in (
                sym.V1_SWITCHES
            ) and len(stmt.body) == 1:
                item.drop = True
                return
            if isinstance(small, cst.Expr) and _call_name(self.ctx, small.value) in (
                sym.DROPPED_CALLS
            ):
                if self.statements or len(stmt.body) > 1:
                    self.block(stmt, "the default graph is reset after ops were built")
                item.drop = item.obsolete_comments = True
                return
        graph = [s for s in stmt.body if isinstance(s, cst.Assign) and self._is_graph(s)]
        if not graph:
            self.sessions.check_python(stmt, index)
            self._unbind(stmt)
            return
        if len(stmt.body) > 1:
            self.block(stmt, "a graph statement shares its line with other statements")
            return
        assign = graph[0]
        if len(assign.targets) != 1:
            self.block(stmt, "chained assignment of a graph value")
            return
        names = target_names(assign.targets[0].target)
        if not names or len(names) != len(flat_targets(assign.targets[0].target)):
            self.block(stmt, "a graph value is assigned to something other than names")
            return
        self._graph_statement(stmt, assign, tuple(names), item)

    def _is_graph(self, assign: cst.Assign) -> bool:
        if self.sessions.has_run_site(assign.value) or read_names(assign) & self.sessions.names:
            return False
        if self.sessions.feed_binding(assign, set(self.graph_names)):
            return False
        facts = examine(self.ctx, assign.value, set(self.graph_names), self.helpers)
        return bool(facts.tf_calls or facts.graph_reads or facts.graph_helpers)

    def _graph_statement(
        self,
        line: cst.SimpleStatementLine,
        assign: cst.Assign,
        names: tuple[str, ...],
        item: Item,
    ) -> None:
        value = assign.value
        name = _call_name(self.ctx, value)
        statement = GraphStatement(line, assign, names, Kind.EAGER, item.position)
        item.drop = True
        if training.classify(self, statement, value):
            # Optimizers, schedules and counters stay where they are (as their TF2 objects);
            # an inline optimizer leaves its construction behind when the step moves.
            item.drop = statement.kind is Kind.DEFERRED and statement.replacement is None
        elif metrics.classify(self, statement, value):
            item.drop = False  # the Keras metric object, created once where it is
        elif name in sym.PLACEHOLDERS and isinstance(value, cst.Call):
            self._placeholder(statement, value, name)
        elif name == sym.VARIABLE and isinstance(value, cst.Call):
            self._variable(statement, value)
            item.drop = False
        elif (made := self._factory(value)) is not None:
            # `w = init_weights([784, 10])`: the script's variable factory, called where it is.
            self._variable(statement, made)
            self._factory_arguments(statement, value)
            item.drop = False
        elif (members := self._collection(names, value)) is not None:
            deps: list[GraphStatement] = []
            reads: set[str] = set()
            for access, call in members:
                self._variable(statement, call)
                deps.extend(statement.deps)
                reads |= statement.reads
                statement.members.append(access)
            statement.deps, statement.reads = deps, reads
            item.drop = False
        elif self.sessions.is_initializer(value, self.graph_names):
            statement.kind = Kind.INITIALIZER
            item.obsolete_comments = True
        elif iterators.classify(self, statement, value):
            item.drop = not iterators.kept(statement)  # datasets and iterators stay in place
        elif name in sym.GROUPS and isinstance(value, cst.Call):
            self._group(statement, value)
        else:
            self._computation(statement, value)
        self._control_inputs(statement, item)
        for target in names:
            self.graph_names[target] = statement
        self.statements.append(statement)
        metrics.register(self, statement)
        if statement.kind is Kind.EAGER:
            item.drop = False

    def _group(self, statement: GraphStatement, call: cst.Call) -> None:
        """`train = tf.group(a, b)` runs a and b and gives None: nothing left to write in TF2,
        where a run function computes what it needs in program order."""
        statement.kind = Kind.DEFERRED
        statement.elided = statement.returns_none = True
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "name":
                continue  # an op name: nothing computed
            if arg.keyword is not None or arg.star:
                self.block(statement.line, f"`tf.group` with `{cst.Module([]).code_for_node(arg)}`")
                return
            known = self.graph_names.get(arg.value.value) if isinstance(
                arg.value, cst.Name) else None
            if known is not None:
                statement.deps.append(known)
                continue
            # An op built inside the call (`tf.group(tf.assign(v, 0.0), ...)`): computed here.
            facts = examine(self.ctx, arg.value, set(self.graph_names), self.helpers)
            block_on(self.block, facts)
            if facts.creates or facts.random:
                self.block(statement.line, "`tf.group` of an op that creates variables or draws "
                                           "random numbers")
            statement.deps.extend(self.graph_names[d] for d in sorted(facts.graph_reads))
            for variable in facts.updates:
                target = self.graph_names.get(variable)
                if target is None or target.kind is not Kind.VARIABLE:
                    self.block(statement.line, f"`{variable}` is assigned to but is not a "
                                               "`tf.Variable` of this script")
            statement.updates |= facts.updates
            statement.grouped.append(arg.value)
        statement.reads = read_names(call)

    def _control_inputs(self, statement: GraphStatement, item: Item) -> None:
        for node in item.control:
            assert isinstance(node, cst.Name)
            known = self.graph_names.get(node.value)
            if known is None:
                self.block(statement.line, f"the control input `{node.value}` is not a graph "
                                           "value of the script")
                continue
            statement.deps.append(known)
            if known.kind is not Kind.EAGER and statement.kind is Kind.EAGER:
                statement.kind = Kind.DEFERRED

    def _placeholder(self, statement: GraphStatement, call: cst.Call, name: str) -> None:
        statement.kind = Kind.PLACEHOLDER
        if len(statement.targets) != 1:
            self.block(statement.line, "a placeholder is unpacked")
        params = (
            ("dtype", "shape", "name") if name == "tf.placeholder" else ("input", "shape", "name")
        )
        bound = bind_args(call, params)
        if bound is None:
            self.block(statement.line, f"cannot read the arguments of `{name}`")
            return
        statement.shape = bound.get("shape")
        if name == "tf.placeholder":
            statement.dtype = bound.get("dtype")
            if statement.dtype is None:
                self.block(statement.line, "placeholder without a dtype")
            return
        statement.default = bound.get("input")
        statement.dtype = literal_dtype(statement.default)
        if statement.dtype is None:
            self.block(
                statement.line,
                "`placeholder_with_default` whose default is not a plain "
                "number, bool or list of them",
            )

    def _factory(self, value: cst.BaseExpression) -> cst.Call | None:
        """The `tf.Variable(...)` a helper of the script returns, when the helper is only that:
        `def init_weights(shape): return tf.Variable(tf.random_normal(shape, stddev=0.01))`."""
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)):
            return None
        helper = self.helpers.get(value.func.value)
        if helper is None or helper.decorators or not isinstance(helper.body, cst.IndentedBlock):
            return None
        body = [s for s in helper.body.body if not is_docstring(s)]
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine):
            return None
        [small] = body[0].body if len(body[0].body) == 1 else [None]
        if not isinstance(small, cst.Return) or not isinstance(small.value, cst.Call):
            return None
        made = small.value
        if _call_name(self.ctx, made) != sym.VARIABLE:
            return None
        if function_globals(helper) & set(self.graph_names):
            return None
        return made

    def _factory_arguments(self, statement: GraphStatement, call: cst.BaseExpression) -> None:
        facts = examine(self.ctx, call, set(self.graph_names), self.helpers)
        for dep in sorted(facts.graph_reads):
            if self.graph_names[dep].kind is not Kind.EAGER:
                self.block(statement.line, f"the initial value of `{statement.targets[0]}` "
                                           f"reads `{dep}`, which is computed per run")
        statement.reads = read_names(call)

    def _collection(self, targets: tuple[str, ...], value: cst.BaseExpression
                    ) -> list[tuple[str, cst.Call]] | None:
        """`weights = {"h1": tf.Variable(...), ...}` or a list of variables: how each is
        reached, and its constructor."""
        if len(targets) != 1 or not isinstance(value, cst.Dict | cst.List | cst.Tuple):
            return None
        found: list[tuple[str, cst.Call]] = []
        for index, element in enumerate(value.elements):
            if isinstance(value, cst.Dict):
                if not isinstance(element, cst.DictElement) or not isinstance(
                        element.key, cst.SimpleString | cst.Integer):
                    return None
                key = element.key.value
            else:
                if isinstance(element, cst.StarredElement):
                    return None
                key = str(index)
            call = element.value
            if not (isinstance(call, cst.Call) and _call_name(self.ctx, call) == sym.VARIABLE):
                return None
            found.append((f"{targets[0]}[{key}]", call))
        return found or None

    def _variable(self, statement: GraphStatement, call: cst.Call) -> None:
        statement.kind = Kind.VARIABLE
        keywords = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        positional = [arg for arg in call.args if arg.keyword is None]
        allowed = {"initial_value", "trainable", "name", "dtype", "validate_shape"}
        if len(positional) > 2 or keywords - allowed or any(a.star for a in call.args):
            self.block(statement.line, "`tf.Variable` with TF1-only arguments")
        trainable = next((a.value for a in call.args
                          if a.keyword is not None and a.keyword.value == "trainable"), None)
        if len(positional) > 1:
            trainable = positional[1].value
        if trainable is not None and _is_dtype(self.ctx, trainable) and len(positional) > 1:
            # `tf.Variable([.3], tf.float32)` (TF's own getting-started code): the dtype lands
            # in `trainable`, which it makes true in TF1 and TF2 alike; the value keeps its dtype.
            trainable = None
        if trainable is not None:
            if not (isinstance(trainable, cst.Name) and trainable.value in ("True", "False")):
                self.block(statement.line, "`trainable=` is not True or False")
            statement.trainable = isinstance(trainable, cst.Name) and trainable.value == "True"
        if len(statement.targets) != 1:
            self.block(statement.line, "a variable is unpacked")
        facts = examine(self.ctx, call, set(self.graph_names), self.helpers)
        block_on(self.block, facts)
        for dep in facts.graph_reads:
            if self.graph_names[dep].kind is not Kind.EAGER:
                self.block(
                    statement.line,
                    f"the initial value of `{statement.targets[0]}` "
                    f"reads `{dep}`, which is computed per run",
                )
        random = facts.random
        for name in sorted(facts.called_helpers):
            helper = self.helpers[name]
            inner = examine(self.ctx, helper, set(), self.helpers)
            block_on(self.block, inner, f" in `{name}`")
            random = random or inner.random
            if inner.updates or inner.creates:
                self.block(statement.line, f"`{name}` creates or updates variables")
            for dep in function_globals(helper) & set(self.graph_names):
                if self.graph_names[dep].kind is not Kind.EAGER:
                    self.block(
                        statement.line,
                        f"the initial value of `{statement.targets[0]}` "
                        f"reads `{dep}` through `{name}`",
                    )
        if random:
            self.unsafe.append(
                f"`{statement.targets[0]}` starts from random values: TF1 and "
                "TF2 draw different numbers"
            )
        statement.deps = [self.graph_names[d] for d in sorted(facts.graph_reads)]
        statement.reads = read_names(call)

    def _computation(self, statement: GraphStatement, value: cst.BaseExpression) -> None:
        facts = examine(self.ctx, value, set(self.graph_names), self.helpers)
        if facts.creates:
            self.block(statement.line, "variables or placeholders are created inside an "
                                       "expression (only `name = tf.Variable(...)`, dicts and "
                                       "lists of them, and `name = tf.placeholder(...)` are "
                                       "followed)")
        control_flow.accept(self, statement, value, facts)  # tf.cond, tf.while_loop, tf.gradients
        block_on(self.block, facts)
        statement.deps = [self.graph_names[d] for d in sorted(facts.graph_reads)]
        statement.reads = read_names(value)
        statement.random = facts.random
        statement.updates = facts.updates
        statement.helpers = facts.called_helpers
        for variable in facts.updates:
            known = self.graph_names.get(variable)
            if known is None or known.kind is not Kind.VARIABLE:
                self.block(
                    statement.line,
                    f"`{variable}` is assigned to but is not a `tf.Variable` of this script",
                )
        moving = any(d.kind is not Kind.EAGER for d in statement.deps)
        if facts.random or facts.updates or moving:
            statement.kind = Kind.DEFERRED
        name = _call_name(self.ctx, value)
        statement.structure = statement.structure or (  # control flow may have set it
            isinstance(value, cst.List | cst.Tuple | cst.Dict)
            or (len(statement.targets) == 1 and name in sym.STRUCTURE_FUNCTIONS)
        )
        for helper in facts.graph_helpers:
            self._check_helper(statement, helper)
        if statement.kind is Kind.DEFERRED:
            self._check_moved(statement, value)

    def _check_moved(self, statement: GraphStatement, value: cst.BaseExpression) -> None:
        """A deferred statement runs on every call: what it calls must not build state."""
        for node, message in foreign_calls(self.ctx, value, self.helpers, self.modules):
            self.block(node, message)
        for name in sorted(statement.helpers):
            helper = self.helpers[name]
            local = function_locals(helper) | {p.name.value for p in helper.params.params}
            for node, message in foreign_calls(
                self.ctx, helper.body, self.helpers, self.modules, local
            ):
                self.block(node, f"{message} (in `{name}`)")
            # `tf.add(...)` calls a module's function; `seen.add(x)` changes a set.
            for changed in sorted(mutated_globals(helper) - self.imported):
                self.block(
                    statement.line,
                    f"`{name}` changes the global `{changed}`, which "
                    "would then happen on every run",
                )

    def _check_helper(self, statement: GraphStatement, name: str) -> None:
        helper = self.helpers[name]
        facts = examine(self.ctx, helper, set(), self.helpers)
        block_on(self.block, facts, f" in `{name}`")
        if facts.updates or facts.creates:
            self.block(
                statement.line,
                f"`{name}` creates or updates variables (graph-building "
                "functions are not rewritten yet)",
            )
        if facts.random:
            statement.random = True
            statement.kind = Kind.DEFERRED
        for dep in function_globals(helper) & set(self.graph_names):
            kind = self.graph_names[dep].kind
            if kind in (Kind.PLACEHOLDER, Kind.DEFERRED):
                self.block(
                    statement.line, f"`{name}` reads `{dep}`, which becomes part of a function"
                )
            elif kind is Kind.VARIABLE:
                statement.kind = Kind.DEFERRED
            statement.deps.append(self.graph_names[dep])


def analyze(module: cst.Module, ctx: Context, *, tf1_evidence: bool | None = None,
            keras: str = "tf.keras", scope: cst.FunctionDef | cst.If | None = None
            ) -> GraphProgram:
    """`tf1_evidence`: whether the caller already saw a TF1 session or placeholder in `module`
    (None: look for one here, at the cost of a traversal). `keras`: how to spell Keras.
    `scope`: analyse this function's body as the program instead of the module's."""
    if tf1_evidence is None:
        tf1_evidence = mentions_tf1_graph(module, ctx)
    if not tf1_evidence:
        return GraphProgram([], [], [], [], {}, {}, None, [], [], {}, tf1_program=False)
    compat = compat_v1_import(module)
    analyzer = _Analyzer(module, ctx, keras, scope)
    analyzer.run()
    metrics.finish(analyzer, analyzer.sessions.sites)
    iterator_runs.finish(analyzer)
    analyzer.sessions.finish()
    training.finish(analyzer)
    program = GraphProgram(
        items=analyzer.items,
        statements=analyzer.statements,
        sites=analyzer.sessions.sites,
        slices=[],
        feeds=analyzer.sessions.feeds,
        helpers=analyzer.helpers,
        tf_alias=tf_alias(module) or (compat[1] if compat else None),
        blockers=analyzer.blockers,
        unsafe=analyzer.unsafe,
        bindings={},
        modules=analyzer.modules,
        scope=scope,
        session_functions=analyzer.session_functions,
        notes=list(dict.fromkeys(analyzer.notes)),
    )
    if scope is not None:
        program.outer_names = {name for name, _ in bindings(module.body)}
    program.compat_import = compat[0] if compat and not tf_alias(module) else None
    program.rewrites, program.in_place = analyzer.rewrites, analyzer.in_place
    if program.tf_alias is None and program.sites:
        # Anchored where the program runs: the module would put it on line 1, in a notebook
        # whichever cell comes first.
        analyzer.blockers.append(
            (program.sites[0].call, "no `import tensorflow` (as tf) to spell TF2 calls with")
        )
    if not analyzer.blockers:
        for name, node in bindings(item.node for item in analyzer.items if not _is_with(item)):
            program.bindings.setdefault(name, []).append(ctx.start(node))
        compute_slices(program, ctx)
        iterator_runs.check(program, ctx)
        control_flow.finish(program)
    del program.blockers[MAX_BLOCKERS:]
    return program


def _is_with(item: Item) -> bool:
    return item.drop and isinstance(item.node, cst.With)
