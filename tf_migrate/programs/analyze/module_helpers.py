"""Helpers of the script that create variables and are called at several places of the program:
`def fc_layer(x, num_units, name): W = weight_variable([x.get_shape()[1], num_units]); ...;
return tf.matmul(x, W) + b`, called as `fc1 = fc_layer(x, 64, "FC1")` and again.

TF1 ran each call once, while building the graph: each made its own variables and ops. TF2
needs the variables made once and the ops run per call, so the helper becomes a `tf.Module`
class, as TensorFlow's guide writes a module that waits to create its variables: the
parameters given Python values go to `__init__`, those given graph values to `__call__`, whose
first call creates the variables (`if not self.is_built:`), as TF1 created them from the
shapes of the first inputs. Each call site makes its own object where the call was
(`fc1_layer = FcLayer(64, "FC1")`) and the run functions call it (`fc1 = fc1_layer(x)`);
training differentiates its `trainable_variables`. A helper called once is written out at its
call instead (builders.py) when its body is straight-line code.

Followed: straight-line bodies (with `if` statements that create nothing), `with
tf.variable_scope(name)` and `tf.name_scope(...)` blocks at the top of the body (dropped: the
variables are the object's; a scope with `reuse=tf.AUTO_REUSE` shares its variables among the
calls that name the same scope, which then share one object), variables made by `tf.Variable`,
`tf.get_variable` or the script's variable factories, each bound to a name of its own that
nothing binds again, and a final `return`. Refused, with the line: a parameter given a graph
value at one call and a Python value at another, a helper used other than by such calls, a
creation that reads what the body computes after the first creation, and what a run function
cannot run."""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import (
    bindings,
    fresh_name,
    function_globals,
    function_locals,
    read_names,
    reads,
)
from tf_migrate.cst.arguments import bind_args
from tf_migrate.programs.analyze.builders import plain_function
from tf_migrate.programs.analyze.call_arguments import per_run_argument
from tf_migrate.programs.analyze.callables import foreign_calls
from tf_migrate.programs.analyze.expressions import block_on, examine
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import (
    AUTO_REUSE,
    is_docstring,
    naming_scope,
    scope_name,
)
from tf_migrate.programs.model import (
    Argument,
    Constructor,
    Context,
    GraphStatement,
    Kind,
    Layer,
    ModuleClass,
    ObjectCall,
)

# A variable creation of the body: the statement and the call that makes the variable.
Creation = Callable[[cst.BaseExpression], bool]
# Plans what a creation statement needs (a `tf.get_variable`'s TF2 form): whether its initial
# value is drawn at random, or None after blocking.
PlanCreation = Callable[[cst.Call, list[cst.BaseStatement]], bool | None]


@dataclass
class ModuleHelper:
    function: cst.FunctionDef
    plan: ModuleClass
    random: bool  # its variables' initial values or its ops draw random numbers
    ops_random: bool  # its ops (not its variables) draw: a random op per run
    # `with tf.variable_scope(<shared>, reuse=tf.AUTO_REUSE):` around its body: the calls that
    # name the same scope share one object (a string, or a parameter given strings).
    shared: cst.BaseExpression | None = None
    objects: dict[str, str] | None = None  # scope name -> the object made for it


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"_+", name) if part)


def _scope_call(ctx: Context, statement: cst.BaseStatement) -> cst.Call | None:
    """The call of `with tf.variable_scope(...):` or `with tf.name_scope(...):`, alone, when
    the scope only names or reuses automatically (syntax.naming_scope)."""
    if not (isinstance(statement, cst.With) and len(statement.items) == 1
            and statement.items[0].asname is None
            and isinstance(statement.body, cst.IndentedBlock)):
        return None
    call = statement.items[0].item
    return call if isinstance(call, cst.Call) and naming_scope(ctx, call) is not None else None


def _reused_scope(ctx: Context, statement: cst.BaseStatement) -> cst.BaseExpression | None:
    """The name of a `with tf.variable_scope(name, reuse=tf.AUTO_REUSE):` block: the
    variables made in it are shared by every call that enters the scope of the same name."""
    call = _scope_call(ctx, statement)
    if call is None or naming_scope(ctx, call) != AUTO_REUSE:
        return None
    return scope_name(call)


def flat_body(function: cst.FunctionDef, dedent: tuple[int, ...]
              ) -> list[cst.BaseStatement]:
    """The body's statements, docstring aside, the `with` blocks at `dedent` dedented."""
    assert isinstance(function.body, cst.IndentedBlock)
    flat: list[cst.BaseStatement] = []
    for index, statement in enumerate(function.body.body):
        if index in dedent:
            assert isinstance(statement, cst.With) and isinstance(statement.body,
                                                                   cst.IndentedBlock)
            flat.extend(statement.body.body)
        elif not (index == 0 and is_docstring(statement)):
            flat.append(statement)
    return flat


def created_name(statement: cst.BaseStatement) -> str:
    """The name a creation line of a helper binds (`W = tf.Variable(...)`)."""
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    assert isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name)
    return small.targets[0].target.value


def param_of(arg: cst.Arg, call: cst.Call, params: tuple[str, ...]) -> str:
    """The parameter of a helper an argument of its `call` is given to."""
    if arg.keyword is not None:
        return arg.keyword.value
    return params[list(call.args).index(arg)]


class ModuleHelpers:
    """The program's helpers that become `tf.Module` classes, found at their first call."""

    def __init__(self, state: ProgramState, creation: Creation, plan_creation: PlanCreation,
                 names: Callable[[], set[str]], modules: Collection[str]) -> None:
        self.state = state
        self.ctx = state.ctx
        self.creation = creation
        self.plan_creation = plan_creation
        self.names = names  # the names the module spells and those given to new objects
        self.modules = modules  # imported modules safe to call per run (callables.py)
        self.found: dict[str, ModuleHelper | None] = {}
        self.split: dict[str, dict[str, bool]] = {}  # per helper: param -> given a graph value
        # Objects of reused scopes: the statement that made each, and its Python arguments.
        self.shared: dict[str, tuple[GraphStatement, str]] = {}

    def helper(self, value: cst.BaseExpression) -> ModuleHelper | None:
        """The module helper `value` calls, if it calls one."""
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)):
            return None
        name = value.func.value
        if name not in self.found:
            function = self.state.helpers.get(name)
            self.found[name] = self._analyze(function) if function is not None else None
        return self.found[name]

    def _calls(self, name: str) -> int:
        """How many top-level lines of the program call the helper, and whether the module
        names it anywhere else (then -1)."""
        calls = 0
        for item in self.state.items:
            node = item.node
            if isinstance(node, cst.FunctionDef) and node.name.value == name:
                continue
            found = [n for n in reads(node) if n.value == name]
            small = node.body[0] if isinstance(node, cst.SimpleStatementLine) and len(
                node.body) == 1 else None
            call = small.value if isinstance(small, cst.Assign) else None
            direct = (isinstance(call, cst.Call) and isinstance(call.func, cst.Name)
                      and call.func.value == name)
            if found and not (direct and len(found) == 1):
                return -1
            calls += bool(found)
        return calls

    def _analyze(self, function: cst.FunctionDef) -> ModuleHelper | None:
        name = function.name.value
        if not plain_function(function) or not isinstance(function.body, cst.IndentedBlock):
            return None
        body = function.body.body
        dedent = tuple(i for i, s in enumerate(body) if _scope_call(self.ctx, s) is not None)
        shared = [found for s in body if (found := _reused_scope(self.ctx, s)) is not None]
        flat = flat_body(function, dedent)
        creations = [i for i, s in enumerate(flat) if self._creation_line(s)]
        calls = self._calls(name)
        straight = not dedent and all(isinstance(s, cst.SimpleStatementLine) for s in flat)
        if not creations or calls < 1 or (calls == 1 and straight):
            # No variables; or called once with a straight-line body, which is written out at
            # its call instead (builders.py).
            return None
        block = self.state.block
        if any(isinstance(s, cst.With) for s in flat):
            block(function, f"`{name}` creates variables in a `with` block other than a "
                            "variable or name scope at the top of its body")
            return None
        *statements, last = flat
        if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1
                and isinstance(last.body[0], cst.Return) and last.body[0].value is not None):
            block(function, f"`{name}` creates variables and does not end with `return value`")
            return None
        params = tuple(p.name.value for p in function.params.params)
        created = [created_name(flat[i]) for i in creations]
        # What each creation reads must be known before the first one: the creations move there.
        between = flat[creations[0]:creations[-1]]
        bound_between = {n for s in between if not self._creation_line(s)
                         for n, _ in bindings([s])}
        for index in creations:
            late = read_names(flat[index]) & bound_between
            if late:
                block(flat[index], f"`{name}` creates a variable from "
                                   f"`{sorted(late)[0]}`, computed after its first variable")
                return None
        rebound = [n for s in flat for n, _ in bindings([s])]
        for target in created:
            if rebound.count(target) > 1 or target in params:
                block(function, f"`{name}` binds `{target}` again")
                return None
        if set(params) & set(rebound):
            block(function, f"`{name}` binds one of its parameters again")
            return None
        if function_globals(function) & set(self.state.graph_names):
            block(function, f"`{name}` reads graph values of the script besides its arguments")
            return None
        random = ops_random = False
        for index, statement in enumerate(statements):
            if index in creations:
                call = self._creation_call(statement)
                assert call is not None
                draws = self.plan_creation(call, flat[:index])
                if draws is None:
                    return None
                facts = examine(self.ctx, statement, set(), self.state.helpers)
                random = random or draws or facts.random
                continue
            facts = examine(self.ctx, statement, set(), self.state.helpers)
            block_on(block, facts, f" in `{name}`")
            if facts.creates or facts.updates:
                block(statement, f"`{name}` creates or updates variables other than by binding "
                                 "a name to a new one")
                return None
            ops_random = ops_random or facts.random
        # Attributes named like tf.Module's own members (`name` is read-only) are renamed.
        taken = set(params) | set(created) | set(sym.TF_MODULE_MEMBERS) | {"is_built"}
        attributes: dict[str, str] = {}
        for each in (*params, *created):
            if each in sym.TF_MODULE_MEMBERS or each == "is_built":
                stem = "layer_name" if each == "name" else f"{each}_value"
                attributes[each] = fresh_name(stem, taken)
                taken.add(attributes[each])
        taken_names = self.names()
        class_name = fresh_name(_camel(name), taken_names)
        taken_names.add(class_name)  # no object made later may take it
        alias = self.state.tf
        plan = ModuleClass(class_name, f"{alias}.Module", (), params, tuple(attributes.items()),
                           dedent, tuple(creations))
        if len(shared) > 1 or (shared and not (
                isinstance(shared[0], cst.SimpleString)
                or (isinstance(shared[0], cst.Name) and shared[0].value in params))):
            block(function, f"`{name}` reuses variables in a scope named other than by a string "
                            "or one of its parameters")
            return None
        return ModuleHelper(function, plan, random or ops_random, ops_random,
                            shared[0] if shared else None, {})

    def _creation_line(self, statement: cst.BaseStatement) -> bool:
        return self._creation_call(statement) is not None

    def _creation_call(self, statement: cst.BaseStatement) -> cst.Call | None:
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            return None
        small = statement.body[0]
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)):
            return None
        value = small.value
        return value if isinstance(value, cst.Call) and self.creation(value) else None

    def shared_key(self, helper: ModuleHelper, call: cst.Call) -> str | None:
        """The scope a call of a reusing helper enters (calls entering the same one share an
        object), "" for a helper that shares nothing; None after blocking."""
        shared = helper.shared
        if shared is None:
            return ""
        if isinstance(shared, cst.SimpleString):
            return str(shared.evaluated_value)
        assert isinstance(shared, cst.Name)
        params = tuple(p.name.value for p in helper.function.params.params)
        bound = bind_args(call, params)
        given = bound.get(shared.value) if bound is not None else None
        if not isinstance(given, cst.SimpleString):
            self.state.block(call, f"the scope `{helper.function.name.value}` reuses is named "
                                   "by something other than a string here")
            return None
        return str(given.evaluated_value)

    def split_arguments(self, helper: ModuleHelper, call: cst.Call
                        ) -> tuple[list[str], list[str]] | None:
        """The helper's parameters this call gives graph values (for `__call__`) and Python
        values (for `__init__`); None after blocking when they differ from an earlier call."""
        function = helper.function
        params = tuple(p.name.value for p in function.params.params)
        bound = bind_args(call, params)
        if bound is None:
            self.state.block(call, f"cannot read the arguments of `{function.name.value}`")
            return None
        graph = {name for name, statement in self.state.graph_names.items()
                 if statement.kind is not Kind.EAGER}
        given = {param: bool(read_names(bound[param]) & graph) for param in params
                 if param in bound}
        known = self.split.setdefault(function.name.value, {})
        for param, tensor in given.items():
            if known.setdefault(param, tensor) != tensor:
                self.state.block(call, f"`{param}` of `{function.name.value}` is given a graph "
                                       "value at one call and a Python value at another")
                return None
        tensors = [p for p in params if given.get(p, False)]
        return tensors, [p for p in params if p not in tensors]

    def classify_call(self, statement: GraphStatement, call: cst.Call,
                      module: ModuleHelper) -> bool:
        """Classifies a call of a module helper; True when it makes the call site's object
        (stays where it is), False when it calls an object made before (a shared scope)."""
        statement.kind = Kind.LAYER
        split = self.split_arguments(module, call)
        key = self.shared_key(module, call)
        if split is None or key is None:
            return True
        tensors, config = split
        function = module.function
        existing = (module.objects or {}).get(key) if key else None
        if existing is not None:
            self._shared_call(statement, call, module, existing, tensors)
            return False
        if id(function) not in self.state.in_place:
            self.state.in_place[id(function)] = replace(module.plan, config=tuple(config),
                                                        tensors=tuple(tensors))
            self._check_module_body(function, module)
            self.state.notes.append(
                f"`{function.name.value}` creates variables: it becomes the `tf.Module` class "
                f"`{module.plan.class_name}`, each call site makes its own object, whose first "
                "call creates its variables"
                + ("; the variable or name scope around its body is dropped (its variables are "
                   "the object's)" if module.plan.dedent else "")
                + ("; calls that enter the same reused scope share one object, as they shared "
                   "the variables" if module.shared is not None else ""))
        if len(statement.targets) != 1:
            self.state.block(statement.line, f"the result of `{function.name.value}` is "
                                             "unpacked")
            return True
        taken = self.names()
        # An object shared by the calls entering one scope is named after the scope.
        obj = key if key.isidentifier() and key not in taken and not keyword.iskeyword(
            key) else fresh_name(f"{statement.targets[0]}_layer", taken)
        taken.add(obj)
        params = tuple(p.name.value for p in function.params.params)
        positional: list[Argument] = []
        keywords: list[tuple[str, Argument]] = []
        deps: list[GraphStatement] = [statement]
        for arg in call.args:
            param = param_of(arg, call, params)
            if param in config:
                if arg.keyword is None:
                    positional.append(arg.value)
                else:
                    keywords.append((param, arg.value))
                continue
            deps.extend(per_run_argument(self.state, arg.value,
                                         f"an argument of `{function.name.value}`")[1])
        plan = self.state.in_place[id(function)]
        assert isinstance(plan, ModuleClass)
        layer = Layer(obj, Constructor(plan.class_name, tuple(keywords), tuple(positional)),
                      (f"*{obj}.trainable_variables",))
        statement.layer = layer
        if key and module.objects is not None:
            module.objects[key] = obj
            self.shared[obj] = (statement, cst.Module([]).code_for_node(
                call.with_changes(args=[a for a in call.args
                                        if param_of(a, call, params) in config])))
        if module.random:
            self.state.random_draws.append(f"`{obj}`")
        self.state.rewrites[id(call)] = ObjectCall(obj, params, tuple(tensors))
        layer.op = GraphStatement(statement.line, statement.node, statement.targets,
                                  Kind.DEFERRED, statement.position, deps=deps,
                                  reads=read_names(call) | {obj}, random=module.ops_random,
                                  layer=layer)
        return True

    def _shared_call(self, statement: GraphStatement, call: cst.Call, module: ModuleHelper,
                     obj: str, tensors: list[str]) -> None:
        """A call that enters a reused scope another call made: it calls that call's object,
        whose variables TF1 gave it (AUTO_REUSE), per run."""
        owner, config_code = self.shared[obj]
        function = module.function
        params = tuple(p.name.value for p in function.params.params)
        mine = cst.Module([]).code_for_node(call.with_changes(
            args=[a for a in call.args if param_of(a, call, params) not in tensors]))
        if mine != config_code:
            self.state.block(call, f"this call of `{function.name.value}` reuses the variables "
                                   "of an earlier one with other Python arguments")
            return
        deps: list[GraphStatement] = [owner]
        for arg in call.args:
            if param_of(arg, call, params) in tensors:
                facts = examine(self.ctx, arg.value, set(self.state.graph_names),
                                self.state.helpers)
                block_on(self.state.block, facts)
                deps.extend(self.state.graph_names[n] for n in sorted(facts.graph_reads))
        statement.kind = Kind.DEFERRED
        statement.deps = deps
        statement.reads = read_names(call) | {obj}
        statement.random = module.ops_random
        self.state.rewrites[id(call)] = ObjectCall(obj, params, tuple(tensors))

    def _check_module_body(self, function: cst.FunctionDef, module: ModuleHelper) -> None:
        """The helper's ops run per call of the run functions: what they call must not build
        state (as for any helper they call)."""
        local = function_locals(function) | {p.name.value for p in function.params.params}
        plan = module.plan
        for index, line in enumerate(flat_body(function, plan.dedent)):
            if index in plan.creations:
                continue
            for node, message in foreign_calls(self.ctx, line, self.state.helpers, self.modules,
                                               local):
                self.state.block(node, f"{message} (in `{function.name.value}`)")
