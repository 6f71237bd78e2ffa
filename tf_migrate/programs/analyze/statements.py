"""The program's graph statements, one `name = <graph expression>` at a time: placeholders,
variables (alone, made by a factory of the script, or in a dict or list), initializers,
`tf.group`, and computations, eager (pure values of constants) or deferred (they read
placeholders or variables, update variables or draw random numbers, so they run per call).
Training, metrics and tf.data statements are classified by their own modules."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import (
    function_globals,
    function_locals,
    identifiers,
    mutated_globals,
    read_names,
)
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.code import code
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.cst.wrapping import LINE_LIMIT
from tf_migrate.programs.analyze import (
    control_flow,
    get_variables,
    iterators,
    layers,
    metrics,
    recurrent,
    regularization,
    training,
)
from tf_migrate.programs.analyze.callables import (
    foreign_calls,
    imported_calls,
    imported_modules,
)
from tf_migrate.programs.analyze.expressions import block_on, examine
from tf_migrate.programs.analyze.module_helpers import ModuleHelpers
from tf_migrate.programs.analyze.run_sites import SiteFinder
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import (
    NAMES_ONLY,
    bound_value,
    call_name,
    imported_names,
    is_docstring,
    is_name,
    literal_dtype,
    naming_scope,
    scope_name,
)
from tf_migrate.programs.analyze.variable_lists import plan_variable_lists
from tf_migrate.programs.model import (
    Context,
    GraphStatement,
    ImportedHelper,
    Item,
    Kind,
    NameScope,
)


def _is_dtype(ctx: Context, node: cst.BaseExpression) -> bool:
    name = ctx.tf_name(node)
    return name is not None and name.rsplit(".", 1)[-1] in _DTYPES


_DTYPES = frozenset({"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
                     "bool", "complex64", "complex128", "string", "bfloat16"})


class GraphStatements:
    """Classifies each graph statement as the analysis meets it, in program order: what it
    reads is defined by the statements before it."""

    def __init__(self, state: ProgramState, sessions: SiteFinder) -> None:
        self.state = state
        self.ctx = state.ctx
        self.sessions = sessions
        self.modules = imported_modules(state.module)  # imported modules safe to call per run
        self.imported = imported_names(state.module)
        self._identifiers: set[str] | None = None
        self.module_helpers = ModuleHelpers(state, self._creates_variable, self._plan_creation,
                                            lambda: self.identifiers, self.modules)

    @property
    def identifiers(self) -> set[str]:
        """Every name the module spells, and those given to new objects: a name the rewrite
        makes up (a layer object's) must be none of them."""
        if self._identifiers is None:
            self._identifiers = identifiers(self.state.module)
        return self._identifiers

    def add(
        self,
        line: cst.SimpleStatementLine,
        assign: cst.Assign,
        names: tuple[str, ...],
        item: Item,
    ) -> None:
        """Classifies `line` (`names = value`) and records it as the definition of its names."""
        value = assign.value
        name = call_name(self.ctx, value)
        statement = GraphStatement(line, assign, names, Kind.EAGER, item.position)
        item.drop = True
        if training.classify(self.state, statement, value):
            # Optimizers, schedules and counters stay where they are (as their TF2 objects);
            # an inline optimizer leaves its construction behind when the step moves.
            item.drop = statement.kind is Kind.DEFERRED and statement.replacement is None
        elif metrics.classify(self.state, statement, value):
            item.drop = False  # the Keras metric object, created once where it is
        elif layers.classify(self.state, statement, value, lambda: self.identifiers,
                             item.defaults):
            item.drop = False  # the Keras layer object, created once where it is
        elif recurrent.classify(self.state, statement, value, lambda: self.identifiers):
            # An RNN's Keras layer, created once where it is; its cells and zero state go.
            item.drop = statement.kind is not Kind.LAYER
        elif name in sym.PLACEHOLDERS and isinstance(value, cst.Call):
            self._placeholder(statement, value, name)
        elif name == sym.VARIABLE and isinstance(value, cst.Call):
            self._variable(statement, value)
            item.drop = False
        elif name == "tf.get_variable" and isinstance(value, cst.Call):
            self._get_variable(statement, value, self._initializer_statement)
            item.drop = False
        elif get_variables.is_initializer_call(self.state, value):
            # `init = tf.truncated_normal_initializer(stddev=0.1)`: the Keras initializer,
            # created once where it is, for the layers and variables that name it.
            assert isinstance(value, cst.Call)
            get_variables.plan_initializer_object(self.state, value)
            statement.initializer = True
            item.drop = False
        elif (made := self._factory(value)) is not None:
            # `w = init_weights([784, 10])`: the script's variable factory, called where it is.
            factory, draws, before = made
            if call_name(self.ctx, factory) == "tf.get_variable":
                self._get_variable(statement, factory, lambda n: _bound_call(n, before),
                                   draws=draws)
            else:
                self._variable(statement, factory, draws=draws)
            self._factory_arguments(statement, value)
            item.drop = False
        elif (imported := self._imported_factory(value)) is not None:
            # `w = weight_variable([784, 10])`, a factory of a project module: called where it
            # is, it creates one variable, as TF1 did while building the graph.
            self._imported_variable(statement, imported)
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
        elif (penalty := regularization.regularizer_penalty(self.state, value)) is not None and (
                isinstance(value, cst.Call)):
            # `reg = tf.contrib.layers.l2_regularizer(0.01)`: a penalty written where the
            # losses are read (regularization.py); the object goes.
            if len(names) == 1:
                self.state.regularizer_objects[names[0]] = penalty
            statement.kind = Kind.DEFERRED
            statement.elided = statement.returns_none = True
        elif layers.is_update_ops(self.ctx, value):
            # `update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)`: the batch
            # normalizations' updates, which Keras layers make themselves; a control input
            # of the training (or a fetch) that goes.
            statement.kind = Kind.DEFERRED
            statement.elided = statement.returns_none = True
        elif self.sessions.is_initializer(value, self.state.graph_names):
            statement.kind = Kind.INITIALIZER
            item.obsolete_comments = True
        elif iterators.classify(self.state, statement, value):
            item.drop = not iterators.kept(statement)  # datasets and iterators stay in place
        elif name in sym.GROUPS and isinstance(value, cst.Call):
            self._group(statement, value)
        elif (module := self.module_helpers.helper(value)) is not None:
            # `fc1 = fc_layer(x, 64, "FC1")`: the object the helper becomes, made where the
            # call was (or an earlier call's, in a shared scope); its call runs per run
            # (module_helpers.py).
            assert isinstance(value, cst.Call)
            item.drop = not self.module_helpers.classify_call(statement, value, module)
        else:
            self._computation(statement, value)
        self._control_inputs(statement, item)
        for target in names:
            self.state.graph_names[target] = statement
        self.state.statements.append(statement)
        metrics.register(self.state, statement)
        layers.register(self.state, statement)
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
                self.state.block(statement.line, f"`tf.group` with `{code(arg)}`")
                return
            known = self.state.graph_names.get(arg.value.value) if isinstance(
                arg.value, cst.Name) else None
            if known is not None:
                statement.deps.append(known)
                continue
            # An op built inside the call (`tf.group(tf.assign(v, 0.0), ...)`): computed here.
            facts = examine(self.ctx, arg.value, set(self.state.graph_names), self.state.helpers)
            block_on(self.state.block, facts)
            if facts.creates or facts.random:
                self.state.block(statement.line, "`tf.group` of an op that creates variables or "
                                                 "draws random numbers")
            statement.deps.extend(self.state.graph_names[d] for d in sorted(facts.graph_reads))
            for variable in facts.updates:
                target = self.state.graph_names.get(variable)
                if target is None or target.kind is not Kind.VARIABLE:
                    self.state.block(statement.line, f"`{variable}` is assigned to but is not a "
                                                     "`tf.Variable` of this script")
            statement.updates |= facts.updates
            statement.grouped.append(arg.value)
        statement.reads = read_names(call)

    def _control_inputs(self, statement: GraphStatement, item: Item) -> None:
        for node in item.control:
            assert isinstance(node, cst.Name)
            known = self.state.graph_names.get(node.value)
            if known is not None and known.elided and layers.is_update_ops(
                    self.ctx, known.node.value):
                self.state.update_ops_run = True  # Keras layers update themselves
                continue
            if known is None:
                self.state.block(statement.line, f"the control input `{node.value}` is not a graph "
                                                 "value of the script")
                continue
            statement.deps.append(known)
            if known.kind is not Kind.EAGER and statement.kind is Kind.EAGER:
                statement.kind = Kind.DEFERRED

    def _placeholder(self, statement: GraphStatement, call: cst.Call, name: str) -> None:
        statement.kind = Kind.PLACEHOLDER
        if len(statement.targets) != 1:
            self.state.block(statement.line, "a placeholder is unpacked")
        typed = name in ("tf.placeholder", sym.SPARSE_PLACEHOLDER)
        params = ("dtype", "shape", "name") if typed else ("input", "shape", "name")
        bound = bind_args(call, params)
        if bound is None:
            self.state.block(statement.line, f"cannot read the arguments of `{name}`")
            return
        statement.shape = bound.get("shape")
        # A sparse placeholder without a shape has an unknown rank, as `tf.SparseTensorSpec(None,
        # dtype)` has in TF2.
        statement.sparse = name == sym.SPARSE_PLACEHOLDER
        if typed:
            statement.dtype = bound.get("dtype")
            if statement.dtype is None:
                self.state.block(statement.line, "placeholder without a dtype")
            return
        statement.default = bound.get("input")
        statement.literal_dtype = literal_dtype(statement.default)
        if statement.literal_dtype is None:
            self.state.block(
                statement.line,
                "`placeholder_with_default` whose default is not a plain "
                "number, bool or list of them",
            )

    def _factory(self, value: cst.BaseExpression
                 ) -> tuple[cst.Call, bool, list[cst.BaseStatement]] | None:
        """The `tf.Variable(...)` a helper of the script returns, when the helper computes only
        its initial value first: `def init_weights(shape): return tf.Variable(tf.random_normal(
        shape, stddev=0.01))`, or `initial = tf.truncated_normal(shape, stddev=0.1)` then
        `return tf.Variable(initial)`, or `tf.get_variable(...)` likewise. Called where it is, it
        creates one variable per call. With the call: whether the statements before it draw
        random numbers, and those statements."""
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)):
            return None
        helper = self.state.helpers.get(value.func.value)
        if helper is None or helper.decorators or not isinstance(helper.body, cst.IndentedBlock):
            return None
        body = [s for s in helper.body.body if not is_docstring(s)]
        if not body:
            return None
        *before, last = body
        if not isinstance(last, cst.SimpleStatementLine) or len(last.body) != 1:
            return None
        [small] = last.body
        if not isinstance(small, cst.Return):
            return None
        made = small.value
        if isinstance(made, cst.Name):
            # `weight = tf.Variable(...)` then `return weight`.
            made, before = bound_value(made.value, before)
        if not isinstance(made, cst.Call) or call_name(self.ctx, made) not in (
                sym.VARIABLE, "tf.get_variable"):
            return None
        if function_globals(helper) & set(self.state.graph_names):
            return None
        draws = self._local_values(before) if before else False
        return None if draws is None else (made, draws, before)

    def _get_variable(self, statement: GraphStatement, call: cst.Call,
                      resolve: get_variables.Resolve, *, draws: bool = False) -> None:
        """`w = tf.get_variable("w", shape, initializer=...)`: a variable created once, where
        it is (analyze/get_variables.py plans its `tf.Variable`)."""
        statement.kind = Kind.VARIABLE
        if len(statement.targets) != 1:
            self.state.block(statement.line, "a variable is unpacked")
        # Its arguments: the name, shape, dtype and initializer (checked by the plan), which
        # may read only values computed once.
        graph_reads: set[str] = set()
        for arg in call.args:
            graph_reads |= examine(self.ctx, arg.value, set(self.state.graph_names),
                                   self.state.helpers).graph_reads
        graph_reads = {name for name in graph_reads
                       if not self.state.graph_names[name].initializer}
        for dep in sorted(graph_reads):
            known = self.state.graph_names[dep]
            if known.kind is not Kind.EAGER:
                self.state.block(statement.line, f"the initial value of "
                                                 f"`{statement.targets[0]}` reads `{dep}`, "
                                                 "which is computed per run")
        # At the top level (`w = tf.Variable(...)`), or returned by a factory.
        room = (LINE_LIMIT - len(statement.targets[0]) - 3 if call is statement.node.value
                else get_variables.IN_A_FACTORY)
        planned = get_variables.plan_get_variable(
            self.state, call, statement.line, resolve, room,
            owner=statement if call is statement.node.value else None)
        if planned is None:
            return
        random, statement.trainable = planned
        statement.deps = [self.state.graph_names[d] for d in sorted(graph_reads)]
        statement.reads = read_names(call)
        if random or draws:
            self.state.random_draws.append(f"`{statement.targets[0]}`")

    def _initializer_statement(self, name: str) -> cst.Call | None:
        """The call an initializer statement of the program bound to `name`, if it is one."""
        known = self.state.graph_names.get(name)
        if known is None or not known.initializer:
            return None
        value = known.node.value
        return value if isinstance(value, cst.Call) else None

    def _creates_variable(self, call: cst.BaseExpression) -> bool:
        """`tf.Variable(...)`, `tf.get_variable(...)`, or a call of the script's variable
        factories."""
        return call_name(self.ctx, call) in (sym.VARIABLE, "tf.get_variable") or (
            self._factory(call) is not None)

    def _plan_creation(self, call: cst.Call, before: list[cst.BaseStatement]) -> bool | None:
        """Plans a creation in a module helper's body: whether its initial value is drawn at
        random; None after blocking."""
        if call_name(self.ctx, call) == "tf.get_variable":
            # `            self.w = tf.Variable(...)` in the module's `__call__`.
            planned = get_variables.plan_get_variable(
                self.state, call, call, lambda n: _bound_call(n, before), LINE_LIMIT - 30)
            return None if planned is None else planned[0]
        made = self._factory(call)
        if made is None:
            return examine(self.ctx, call, set(), self.state.helpers).random
        factory, draws, local = made
        if call_name(self.ctx, factory) != "tf.get_variable":
            return draws or examine(self.ctx, factory, set(), self.state.helpers).random
        planned = get_variables.plan_get_variable(
            self.state, factory, factory, lambda n: _bound_call(n, local))
        return None if planned is None else planned[0] or draws

    def _imported_factory(self, value: cst.BaseExpression) -> ImportedHelper | None:
        if not isinstance(value, cst.Call):
            return None
        helper = self.state.imported.get(code(value.func))
        return helper if helper is not None and helper.factory else None

    def _imported_variable(self, statement: GraphStatement, factory: ImportedHelper) -> None:
        statement.kind = Kind.VARIABLE
        statement.trainable = factory.trainable
        if len(statement.targets) != 1:
            self.state.block(statement.line, "a variable is unpacked")
        if factory.random:
            self.state.random_draws.append(f"`{statement.targets[0]}`")

    def _local_values(self, body: list[cst.BaseStatement]) -> bool | None:
        """Whether statements that only bind local names to values of TF ops and Python draw
        random numbers; None when they do anything else (create or update variables, use what
        the rewrite cannot carry over)."""
        smalls = []
        for line in body:
            if not isinstance(line, cst.SimpleStatementLine):
                return None
            for small in line.body:
                if not isinstance(small, cst.Assign) or not all(
                        isinstance(t.target, cst.Name) for t in small.targets):
                    return None
                smalls.append(small.value)
        facts = [examine(self.ctx, value, set(), self.state.helpers) for value in smalls]
        if any(f.creates or f.updates or f.unsupported or f.problems or f.called_helpers
               for f in facts):
            return None
        return any(f.random for f in facts)

    def _factory_arguments(self, statement: GraphStatement, call: cst.BaseExpression) -> None:
        facts = examine(self.ctx, call, set(self.state.graph_names), self.state.helpers)
        for dep in sorted(facts.graph_reads):
            if self.state.graph_names[dep].kind is not Kind.EAGER:
                self.state.block(statement.line, f"the initial value of `{statement.targets[0]}` "
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
            if not (isinstance(call, cst.Call) and call_name(self.ctx, call) == sym.VARIABLE):
                return None
            found.append((f"{targets[0]}[{key}]", call))
        return found or None

    def _variable(self, statement: GraphStatement, call: cst.Call, *, draws: bool = False
                  ) -> None:
        """`call` creates the statement's variable; `draws`: its initial value was drawn at
        random before the call (in a variable factory)."""
        statement.kind = Kind.VARIABLE
        keywords = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        positional = [arg for arg in call.args if arg.keyword is None]
        allowed = {"initial_value", "trainable", "name", "dtype", "validate_shape"}
        if len(positional) > 2 or keywords - allowed or any(a.star for a in call.args):
            self.state.block(statement.line, "`tf.Variable` with TF1-only arguments")
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
                self.state.block(statement.line, "`trainable=` is not True or False")
            statement.trainable = isinstance(trainable, cst.Name) and trainable.value == "True"
        if len(statement.targets) != 1:
            self.state.block(statement.line, "a variable is unpacked")
        facts = examine(self.ctx, call, set(self.state.graph_names), self.state.helpers)
        block_on(self.state.block, facts)
        for dep in facts.graph_reads:
            if self.state.graph_names[dep].kind is not Kind.EAGER:
                self.state.block(
                    statement.line,
                    f"the initial value of `{statement.targets[0]}` "
                    f"reads `{dep}`, which is computed per run",
                )
        random = facts.random
        for node, imported in imported_calls(call, self.state.imported):
            random = random or imported.random
            if imported.problem is not None:
                self.state.block(node, imported.refusal())
        for name in sorted(facts.called_helpers):
            helper = self.state.helpers[name]
            inner = examine(self.ctx, helper, set(), self.state.helpers)
            block_on(self.state.block, inner, f" in `{name}`")
            random = random or inner.random
            if inner.updates or inner.creates:
                self.state.block(statement.line, f"`{name}` creates or updates variables")
            for dep in function_globals(helper) & set(self.state.graph_names):
                if self.state.graph_names[dep].kind is not Kind.EAGER:
                    self.state.block(
                        statement.line,
                        f"the initial value of `{statement.targets[0]}` "
                        f"reads `{dep}` through `{name}`",
                    )
        if random or draws:
            self.state.random_draws.append(f"`{statement.targets[0]}`")
        statement.deps = [self.state.graph_names[d] for d in sorted(facts.graph_reads)]
        statement.reads = read_names(call)

    def _computation(self, statement: GraphStatement, value: cst.BaseExpression) -> None:
        facts = examine(self.ctx, value, set(self.state.graph_names), self.state.helpers,
                        fields=self.state.tuple_fields)
        imported_here = imported_calls(value, self.state.imported)
        facts.random = facts.random or any(helper.random for _, helper in imported_here)
        if facts.creates:
            self.state.block(statement.line, "variables or placeholders are created inside an "
                                             "expression (only `name = tf.Variable(...)`, dicts "
                                             "and lists of them, and `name = tf.placeholder(...)` "
                                             "are followed)")
        # tf.cond, tf.while_loop, tf.gradients
        control_flow.accept(self.state, statement, value, facts)
        plan_variable_lists(self.state, value, facts, statement.position)
        regularization.plan_reads(self.state, statement.position, value, facts)
        block_on(self.state.block, facts)
        statement.deps = [self.state.graph_names[d] for d in sorted(facts.graph_reads)]
        statement.reads = read_names(value) | facts.graph_reads
        statement.random = layers.plan_object_calls(self.state, value) or facts.random
        statement.updates = facts.updates
        statement.helpers = facts.called_helpers
        for variable in facts.updates:
            known = self.state.graph_names.get(variable)
            if known is None or known.kind is not Kind.VARIABLE:
                self.state.block(
                    statement.line,
                    f"`{variable}` is assigned to but is not a `tf.Variable` of this script",
                )
        moving = any(d.kind is not Kind.EAGER for d in statement.deps)
        if facts.random or facts.updates or moving:
            statement.kind = Kind.DEFERRED
        name = call_name(self.ctx, value)
        statement.structure = statement.structure or (  # control flow may have set it
            isinstance(value, cst.List | cst.Tuple | cst.Dict)
            or (len(statement.targets) == 1 and name in sym.STRUCTURE_FUNCTIONS)
        )
        for helper in facts.graph_helpers:
            self._check_helper(statement, helper)
        if statement.kind is Kind.DEFERRED:
            self._check_moved(statement, value)
        else:
            # Computed once where it is, which TF2 does too: only a helper that makes variables
            # (then unknown to the program's training) or state must not run there either.
            for node, imported in imported_here:
                if imported.problem is not None:
                    self.state.block(node, imported.refusal())

    def _naming_scopes(self, helper: cst.FunctionDef) -> set[int]:
        """`with tf.variable_scope(name):` and `with tf.name_scope(name):` blocks of a helper
        that creates no variables, planned as `tf.name_scope(name)`: the ids of their calls."""
        found: set[int] = set()
        for node in _withs_in(helper):
            for item in node.items:
                call = item.item
                if not (isinstance(call, cst.Call) and item.asname is None
                        and naming_scope(self.ctx, call) == NAMES_ONLY):
                    continue
                name = scope_name(call)
                if name is None or is_name(name, "None"):
                    continue  # a default name TF1 made unique: no name of its own
                self.state.rewrites[id(call)] = NameScope(f"{self.state.tf}.name_scope")
                found.add(id(call))
        return found

    def _check_moved(self, statement: GraphStatement, value: cst.BaseExpression) -> None:
        """A deferred statement runs on every call: what it calls must not build state."""
        for node, message in foreign_calls(self.ctx, value, self.state.helpers, self.modules,
                                           self.state.layer_objects, self.state.imported):
            self.state.block(node, message)
        for name in sorted(statement.helpers):
            helper = self.state.helpers[name]
            local = function_locals(helper) | {p.name.value for p in helper.params.params}
            for node, message in foreign_calls(
                self.ctx, helper.body, self.state.helpers, self.modules, local
            ):
                self.state.block(node, f"{message} (in `{name}`)")
            # `tf.add(...)` calls a module's function; `seen.add(x)` changes a set.
            for changed in sorted(mutated_globals(helper) - self.imported):
                self.state.block(
                    statement.line,
                    f"`{name}` changes the global `{changed}`, which "
                    "would then happen on every run",
                )

    def _check_helper(self, statement: GraphStatement, name: str) -> None:
        helper = self.state.helpers[name]
        facts = examine(self.ctx, helper, set(), self.state.helpers)
        if not (facts.updates or facts.creates):
            # Scopes that only name its ops stay, as TF2's name scopes.
            scopes = self._naming_scopes(helper)
            facts.unsupported = [(node, text) for node, text in facts.unsupported
                                 if id(node) not in scopes]
        block_on(self.state.block, facts, f" in `{name}`")
        if facts.updates or facts.creates:
            self.state.block(
                statement.line,
                f"`{name}` creates or updates variables (graph-building "
                "functions are not rewritten yet)",
            )
        if facts.random:
            statement.random = True
            statement.kind = Kind.DEFERRED
        for dep in function_globals(helper) & set(self.state.graph_names):
            kind = self.state.graph_names[dep].kind
            if kind in (Kind.PLACEHOLDER, Kind.DEFERRED):
                self.state.block(
                    statement.line, f"`{name}` reads `{dep}`, which becomes part of a function"
                )
            elif kind is Kind.VARIABLE:
                statement.kind = Kind.DEFERRED
            statement.deps.append(self.state.graph_names[dep])


def _bound_call(name: str, body: list[cst.BaseStatement]) -> cst.Call | None:
    """The call `name = call(...)` binds among a factory's statements, if any."""
    value, _ = bound_value(name, body)
    return value if isinstance(value, cst.Call) else None


class _Withs(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.With] = []

    def visit_With(self, node: cst.With) -> None:
        self.found.append(node)


def _withs_in(node: cst.CSTNode) -> list[cst.With]:
    visitor = _Withs()
    _walk_visit(node, visitor)
    return visitor.found
