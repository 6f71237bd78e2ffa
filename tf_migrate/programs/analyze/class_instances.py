"""Code outside a model class (analyze/model_classes.py): where it is instantiated, and the
sessions the script opens for it.

The class's instances hold their own variables in TF2, initialized when they are created, so
the script's sessions go: `with tf.Session() as s:` blocks are dedented, `s = tf.Session()`,
`s.close()` and the runs of a variables initializer are removed, and the session given to the
constructor goes from every instantiation. Followed when a session is used only so, its
initializer runs at most once and not in a loop (TF1 would reset the variables again), the
class is only instantiated, and no code outside it builds graph ops or reads the attributes
that TF2 computes in functions (`model.cost`).
"""

from __future__ import annotations

from collections.abc import Collection

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.syntax import call_name, imported_names
from tf_migrate.programs.model import ClassUses, Context, ModelClass

Blocker = tuple[cst.CSTNode, str]


def _line_call(line: cst.BaseStatement) -> cst.Call | None:
    """The call a line holds alone, as an expression statement."""
    if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
        small = line.body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            return small.value
    return None


def _line_assignment(line: cst.BaseStatement) -> tuple[str, cst.BaseExpression] | None:
    """`name = value` alone on a line."""
    if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
        small = line.body[0]
        if (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)):
            return small.targets[0].target.value, small.value
    return None


class _Outside(cst.CSTVisitor):
    """Walks the code outside the class, statement by statement, in loops or not."""

    def __init__(self, ctx: Context, plan: ModelClass, uses: ClassUses,
                 modules: Collection[str]) -> None:
        super().__init__()
        self.ctx = ctx
        self.plan = plan
        self.uses = uses
        self.modules = modules  # names of imported modules: `np.x` is no instance's attribute
        self.name = plan.definition.name.value
        self.blockers: list[Blocker] = []
        self.sessions: set[str] = set()
        self.initializers: set[str] = set()  # names bound to a variables initializer
        self.runs: dict[str, int] = {}  # initializer runs per session
        self.loops = 0
        self.functions = 0
        self.allowed: set[int] = set()  # Name nodes of sessions and initializers used rightly
        self.opened: set[int] = set()  # the `tf.Session()` calls of `with` statements
        self.repeated_instances = 0

    def block(self, node: cst.CSTNode, message: str) -> None:
        self.blockers.append((node, f"{message} (line {self.ctx.start(node)[0]})"))

    # -- loops and functions: what runs more than once -------------------------------------
    def visit_For(self, node: cst.For) -> None:
        self.loops += 1

    def leave_For(self, original_node: cst.For) -> None:
        self.loops -= 1

    def visit_While(self, node: cst.While) -> None:
        self.loops += 1

    def leave_While(self, original_node: cst.While) -> None:
        self.loops -= 1

    def _comprehension(self) -> bool:
        self.loops += 1
        return True

    def _left(self) -> None:
        self.loops -= 1

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return self._comprehension()

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._left()

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return self._comprehension()

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._left()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return self._comprehension()

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._left()

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return self._comprehension()

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._left()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions -= 1

    # -- statements that go ----------------------------------------------------------------
    def visit_With(self, node: cst.With) -> None:
        sessions = [item for item in node.items if call_name(self.ctx, item.item) in sym.SESSIONS]
        if not sessions:
            return
        item = sessions[0]
        if len(node.items) > 1 or not isinstance(node.body, cst.IndentedBlock):
            self.block(node, "a session shares its `with` statement with other contexts")
            return
        self._opened(item.item)
        self.opened.add(id(item.item))
        if item.asname is not None:
            if not isinstance(item.asname.name, cst.Name):
                self.block(node, "a session is bound to something other than a name")
                return
            self.sessions.add(item.asname.name.value)
            self.allowed.add(id(item.asname.name))
        self.uses.dedented.add(id(node))

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        assignment = _line_assignment(node)
        if assignment is not None:
            name, value = assignment
            called = call_name(self.ctx, value)
            if called in sym.SESSIONS:
                self._opened(value)
                self.sessions.add(name)
                self.uses.dropped.add(id(node))
                return False
            if called in sym.INITIALIZERS:
                self.initializers.add(name)
                self.uses.dropped.add(id(node))
                return False
        call = _line_call(node)
        if call is None:
            return True
        if call_name(self.ctx, call) in sym.DROPPED_CALLS | sym.V1_SWITCHES:
            self.uses.dropped.add(id(node))
            return False
        func = call.func
        if not isinstance(func, cst.Attribute):
            return True
        receiver = func.value
        if isinstance(receiver, cst.Name) and receiver.value in self.sessions:
            if func.attr.value == "close" and not call.args:
                self.uses.dropped.add(id(node))
                return False
            if func.attr.value == "run" and len(call.args) == 1 and self._initializer(
                    call.args[0].value):
                self._initializer_run(node, receiver.value)
                return False
        if func.attr.value == "run" and not call.args and self._initializer(receiver):
            self._initializer_run(node, "the default session")
            return False
        return True

    def _opened(self, call: cst.BaseExpression) -> None:
        if isinstance(call, cst.Call) and call.args:
            self.block(call, "a Session with arguments (target or config)")

    def _initializer(self, fetch: cst.BaseExpression) -> bool:
        if isinstance(fetch, cst.Name) and fetch.value in self.initializers:
            self.allowed.add(id(fetch))
            return True
        return call_name(self.ctx, fetch) in sym.INITIALIZERS

    def _initializer_run(self, line: cst.SimpleStatementLine, session: str) -> None:
        self.uses.dropped.add(id(line))
        self.runs[session] = self.runs.get(session, 0) + 1
        if self.loops:
            self.block(line, "the variables initializer runs in a loop (TF1 resets the "
                             "variables at each pass)")
        elif self.runs[session] > 1:
            self.block(line, "the variables initializer runs a second time (TF1 resets the "
                             "variables then)")

    # -- what stays ------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value == self.name:
            self._instantiation(node)
            return
        name = self.ctx.tf_name(func)
        if id(node) in self.opened:
            return
        if name in sym.SESSIONS:
            self.block(node, "a session is opened other than by `with tf.Session() as s:` or "
                             "`s = tf.Session()`")
        elif name is not None and not sym.python_level(name) and name not in sym.INITIALIZERS:
            self.block(node, f"`{name}` builds graph ops outside class `{self.name}`")

    def _instantiation(self, call: cst.Call) -> None:
        self.uses.instantiations.append(call)
        self.allowed.add(id(call.func))
        if self.loops or self.functions:
            self.repeated_instances += 1
        given = self.plan.given
        if given is None:
            return
        params = tuple(p.name.value for p in self.plan.init.params.params[1:])
        bound = bind_args(call, params)
        session = bound.get(given.name) if bound is not None else None
        if any(arg.star for arg in call.args) or not (
                isinstance(session, cst.Name) and session.value in self.sessions):
            self.block(call, f"the session given to `{self.name}` is not one the script opens "
                             "with `tf.Session()` before it")
            return
        self.allowed.add(id(session))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self.allowed:
            return
        if node.value in self.sessions:
            self.block(node, f"the session `{node.value}` is used other than to create "
                             f"`{self.name}` and initialize its variables")
        elif node.value == self.name:
            self.block(node, f"class `{self.name}` is used other than by instantiating it")
        elif node.value in self.initializers:
            self.block(node, f"the initializer `{node.value}` is used other than by running it")


def class_uses(module: cst.Module, ctx: Context, plan: ModelClass) -> ClassUses | list[Blocker]:
    """What goes outside the class, or the blockers that stop the rewrite."""
    uses = ClassUses()
    walker = _Outside(ctx, plan, uses, imported_names(module))
    for statement in _outside(module, plan):
        _walk_visit(statement, walker)
    instances = len(uses.instantiations)
    if plan.initializes is not None and plan.given is not None and (
            instances > 1 or walker.repeated_instances):
        walker.block(plan.initializes, "`__init__` runs the variables initializer in the session "
                                       "it is given, which resets the variables of every "
                                       "instance created before (run it once, after creating "
                                       "them)")
    return walker.blockers or uses


def attribute_uses(module: cst.Module, ctx: Context, plan: ModelClass, computed: set[str]
                   ) -> list[Blocker]:
    """Reads outside the class of the attributes whose TF2 form is no value (`computed`:
    placeholders, ops computed in functions, the session), and any attribute set outside."""
    finder = _AttributeUses(set(plan.attributes) | {plan.session}, computed,
                            imported_names(module))
    for statement in _outside(module, plan):
        _walk_visit(statement, finder)
    name = plan.definition.name.value
    return [(node, f"{message.format(name)} (line {ctx.start(node)[0]})")
            for node, message in finder.found]


class _AttributeUses(cst.CSTVisitor):
    def __init__(self, attributes: set[str], computed: set[str], modules: set[str]) -> None:
        super().__init__()
        self.attributes = attributes
        self.computed = computed
        self.modules = modules
        self.found: list[tuple[cst.CSTNode, str]] = []

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        target = node.target
        if isinstance(target, cst.Attribute) and target.attr.value in self.attributes:
            self.found.append((target, f"`.{target.attr.value}` of a `{{}}` instance may be set "
                                       "outside the class (only `__init__` sets attributes)"))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        attr = node.attr.value
        module = isinstance(node.value, cst.Name) and node.value.value in self.modules
        if attr in self.computed and not module:
            self.found.append((node, f"`.{attr}`, a graph value of `{{}}`, may be read outside "
                                     "the class (run it in a method instead)"))


def _outside(module: cst.Module, plan: ModelClass) -> list[cst.BaseStatement]:
    """The module's statements but the class and the functions only the class calls (the
    analysis of the class's program reads those)."""
    inside = read_names(plan.definition)
    helpers = {s.name.value for s in module.body
               if isinstance(s, cst.FunctionDef) and s.name.value in inside}
    statements = [s for s in module.body if s is not plan.definition]
    outside_reads = set().union(*(read_names(s) for s in statements if not (
        isinstance(s, cst.FunctionDef) and s.name.value in helpers)))
    return [s for s in statements if not (
        isinstance(s, cst.FunctionDef) and s.name.value in helpers - outside_reads)]
