"""A TF1 model class, read into the plan of its program (model.ModelClass).

The common shape: `__init__` builds the graph, directly or through methods it calls as
statements (`self._build_net()`, the *builders*), into `self.x` attributes and locals; a
session is given to the constructor (`self.sess = sess`) or created there
(`self.sess = tf.Session()`); other methods (the *entries*) run the graph with
`self.sess.run(...)`; methods the graph-building code calls in expressions are *helpers*.
The class's program is a function whose body is the graph-building code and whose nested
functions are the entries, `self.x` become names, and the session is the program's own: the
session analysis then reads it as any program (programs/model_class.py). Followed when every
attribute is set while building the graph, `self` is used only through its attributes, and
the session only to run the graph; what is not followed is a blocker naming its line.
"""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import bindings
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.builders import builds_graph, plain_function
from tf_migrate.programs.analyze.class_members import (
    OpsBuilt,
    OwnerUses,
    owner_uses,
    statement_call,
    super_calls,
    writable,
)
from tf_migrate.programs.analyze.class_names import program_names
from tf_migrate.programs.analyze.class_sessions import kept_session, run_receivers
from tf_migrate.programs.analyze.syntax import is_docstring
from tf_migrate.programs.model import ClassBuilder, Context, ModelClass

Blocker = tuple[cst.CSTNode, str]


def find_model_class(module: cst.Module, ctx: Context) -> ModelClass | list[Blocker] | None:
    """The plan of the module's model class, the blockers that stop it, or None when the module
    has no class that builds graph ops and runs them through an attribute."""
    building = [s for s in module.body
                if isinstance(s, cst.ClassDef) and builds_graph(s, ctx.tf_name)]
    running = [cls for cls in building if run_receivers(cls)]
    if not running:
        return None
    reader = _ClassReader(module, ctx, running[0])
    if len(building) > 1:
        names = " and ".join(f"`{cls.name.value}`" for cls in building)
        reader.block(building[1], f"classes {names} both build graph ops (a module with one "
                                  "model class is rewritten: move the others to modules of "
                                  "their own)")
        return reader.blockers
    plan = reader.read()
    return plan if plan is not None and not reader.blockers else reader.blockers


class _ClassReader:
    def __init__(self, module: cst.Module, ctx: Context, cls: cst.ClassDef) -> None:
        self.module = module
        self.ctx = ctx
        self.cls = cls
        self.name = cls.name.value
        self.blockers: list[Blocker] = []

    def block(self, node: cst.CSTNode, message: str) -> None:
        self.blockers.append((node, f"{message} (line {self.ctx.start(node)[0]})"))

    def read(self) -> ModelClass | None:
        methods = self._members()
        init = methods.get("__init__")
        if init is None:
            self.block(self.cls, f"class `{self.name}` builds graph ops but has no `__init__`")
            return None
        if self.blockers:
            return None
        dropped = super_calls(init)
        uses = {name: owner_uses(method, method.params.params[0].name.value, dropped)
                for name, method in methods.items()}
        builders = self._builders(init, methods, uses)
        session = kept_session(self.ctx, self.cls, methods, uses, self.block)
        if session is None or self.blockers:
            return None
        building = {"__init__", *(b.method.name.value for b in builders.values())}
        helpers = self._helpers(methods, building, uses)
        attributes = self._attributes(methods, building, uses, session.attribute)
        if self.blockers:
            return None
        entries = [m for name, m in methods.items() if name not in building
                   and all(name != h.name.value for h in helpers)]
        for entry in entries:
            built = OpsBuilt(self.ctx)
            _walk_visit(entry.body, built)
            for call, op in built.found:
                self.block(call, f"`{entry.name.value}` builds graph ops (`{op}`) at each call "
                                 "(build them in `__init__`, and run them here)")
        if self.blockers:
            return None
        names = program_names(self.module, self.cls, init, list(builders.values()),
                              [*entries, *helpers], attributes)
        return ModelClass(
            definition=self.cls, init=init, session=session.attribute,
            session_name=names.session, given=session.given, attributes=names.attributes,
            renames=names.renames, builders=builders, helpers=helpers, entries=entries,
            dropped=dropped | session.closes, initializes=session.initializes)

    def _members(self) -> dict[str, cst.FunctionDef]:
        cls = self.cls
        if cls.decorators or any(not (isinstance(base.value, cst.Name)
                                      and base.value.value == "object") or base.keyword
                                 for base in cls.bases):
            self.block(cls, f"class `{self.name}` has decorators, bases or keywords (only a "
                            "plain class becomes a `tf.Module`)")
        assert isinstance(cls.body, cst.IndentedBlock)
        methods: dict[str, cst.FunctionDef] = {}
        for member in cls.body.body:
            if is_docstring(member):
                continue
            if not isinstance(member, cst.FunctionDef):
                self.block(member, f"class `{self.name}` holds a statement other than methods")
                continue
            name = member.name.value
            if name in methods or not plain_function(member) or not member.params.params:
                self.block(member, f"method `{name}` is defined twice, decorated, or takes "
                                   "no `self` or */** parameters")
            elif name in sym.TF_MODULE_MEMBERS:
                self.block(member, f"method `{name}` would replace `tf.Module`'s own "
                                   f"`{name}` (rename it)")
            methods[name] = member
        return methods

    def _builders(self, init: cst.FunctionDef, methods: dict[str, cst.FunctionDef],
                  uses: dict[str, OwnerUses]
                  ) -> dict[int, ClassBuilder]:
        """The methods `__init__` calls as statements, and those they call so, in turn."""
        references: dict[str, int] = {}
        for use in uses.values():
            for _, attr in use.attributes:
                references[attr] = references.get(attr, 0) + 1
        found: dict[int, ClassBuilder] = {}
        pending = [init]
        while pending:
            caller = pending.pop()
            assert isinstance(caller.body, cst.IndentedBlock)
            for line in caller.body.body:
                called = statement_call(line, uses[caller.name.value].owner, methods)
                if called is None:
                    continue
                method, call = called
                name = method.name.value
                if references.get(name) != 1 or name == "__init__":
                    self.block(line, f"`{name}` builds the graph but is called more than once "
                                     "(a builder is written out at its one call)")
                    continue
                params = tuple(p.name.value for p in method.params.params[1:])
                bound = bind_args(call, params)
                if bound is None or not writable(method.body):
                    self.block(line, f"`{name}` builds the graph but cannot be written out in "
                                     "`__init__` (it must take plain arguments and hold only "
                                     "statements, without `return`)")
                    continue
                builder = self._builder(caller, line, method, bound)
                if builder is not None:
                    found[id(line)] = builder
                    pending.append(method)
        for function in [init, *(b.method for b in found.values())]:
            for definition in uses[function.name.value].definitions:
                self.block(definition, f"`{function.name.value}` defines a function or class "
                                       "while building the graph")
        return found

    def _builder(self, caller: cst.FunctionDef, line: cst.BaseStatement,
                 method: cst.FunctionDef, bound: dict[str, cst.BaseExpression]
                 ) -> ClassBuilder | None:
        """The builder's parameters bound to what the call passes, or to their defaults; a
        parameter passed the caller's name of the same spelling (`self._build(rate)`) that the
        builder does not rebind is the caller's name."""
        arguments: list[tuple[str, cst.BaseExpression]] = []
        shared: list[str] = []
        rebound = {name for name, _ in bindings(
            method.body.body if isinstance(method.body, cst.IndentedBlock) else [])}
        for param in method.params.params[1:]:
            name = param.name.value
            value = bound.get(name, param.default)
            if value is None:
                self.block(line, f"`{method.name.value}` is not passed its parameter `{name}`")
                return None
            if isinstance(value, cst.Name) and value.value == name and name not in rebound:
                shared.append(name)
            else:
                arguments.append((name, value))
        assert isinstance(line, cst.SimpleStatementLine)
        return ClassBuilder(method, line, arguments, caller, tuple(shared))

    def _helpers(self, methods: dict[str, cst.FunctionDef], building: set[str],
                 uses: dict[str, OwnerUses]) -> list[cst.FunctionDef]:
        """Methods the graph-building code calls in expressions, and those they call."""
        found: dict[str, cst.FunctionDef] = {}
        pending = list(building)
        while pending:
            caller = pending.pop()
            for _, attr in uses[caller].attributes:
                if attr in methods and attr not in building and attr not in found:
                    found[attr] = methods[attr]
                    pending.append(attr)
        for name in found:
            for node, attr in uses[name].attributes:
                if attr in methods and attr not in found:
                    self.block(node, f"`{name}`, which builds the graph, calls `{attr}`, which "
                                     "does not")
        return [method for name, method in methods.items() if name in found]

    def _attributes(self, methods: dict[str, cst.FunctionDef], building: set[str],
                    uses: dict[str, OwnerUses], session: str) -> list[str]:
        """The attributes the graph-building code sets, in order; each read must be one of
        them or a method, and no other method may set one."""
        attributes: list[str] = []
        for name in methods:
            use = uses[name]
            for node, attr in use.attributes:
                if id(node) not in use.stores or attr == session:
                    continue
                if name not in building:
                    self.block(node, f"`self.{attr}` is set in `{name}` (only attributes set "
                                     "while `__init__` builds the graph are followed)")
                elif attr in sym.TF_MODULE_MEMBERS:
                    self.block(node, f"`self.{attr}` would replace `tf.Module`'s own `{attr}` "
                                     "(rename the attribute)")
                elif attr in methods:
                    self.block(node, f"`self.{attr}` replaces the method `{attr}`")
                elif attr not in attributes:
                    attributes.append(attr)
            for value in use.values:
                self.block(value, f"`{value.value}` is used as a value in `{name}` (only its "
                                  "attributes are followed)")
        for name in methods:
            for node, attr in uses[name].attributes:
                if id(node) in uses[name].stores:
                    continue
                if attr not in attributes and attr not in methods and attr != session:
                    self.block(node, f"`self.{attr}` is read in `{name}` but never set while "
                                     "`__init__` builds the graph")
        return attributes


