"""The session a model class keeps (analyze/model_classes.py): the attribute its methods run
the graph with (`self.sess.run(...)`), set once in `__init__` to `tf.Session()` or to a
parameter; its other uses (`self.sess.close()` alone on a line goes); and whether `__init__`
runs a variables initializer in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import reads
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.builders import owner_attribute
from tf_migrate.programs.analyze.class_members import OwnerUses
from tf_migrate.programs.analyze.python_code import TfProbe
from tf_migrate.programs.analyze.syntax import call_name
from tf_migrate.programs.model import Context, WithoutSession


@dataclass(frozen=True)
class KeptSession:
    attribute: str  # `sess` for `self.sess`
    given: WithoutSession | None  # the constructor parameter giving it; None: `tf.Session()`
    closes: set[int]  # `self.sess.close()` lines, which go
    initializes: cst.CSTNode | None  # the line of `__init__` that runs an initializer in it


def kept_session(ctx: Context, cls: cst.ClassDef, methods: dict[str, cst.FunctionDef],
                 uses: dict[str, OwnerUses], block: Callable[[cst.CSTNode, str], None]
                 ) -> KeptSession | None:
    """The session the class keeps, or None (after `block`ing) when it is not followed."""
    init = methods["__init__"]
    owner = uses["__init__"].owner
    receivers = run_receivers(cls)
    if len(receivers) > 1:
        listed = ", ".join(f"`self.{r}`" for r in sorted(receivers))
        block(cls, f"class `{cls.name.value}` runs its graph through several attributes "
                   f"({listed})")
        return None
    (attribute,) = receivers
    stores = [(name, node) for name, use in uses.items() for node, attr in use.attributes
              if attr == attribute and id(node) in use.stores]
    assign = attribute_assignment(init, owner, attribute)
    if len(stores) != 1 or stores[0][0] != "__init__" or assign is None:
        block(stores[-1][1] if stores else cls,
              f"the session `self.{attribute}` is not set once, at the top of `__init__`, to "
              "`tf.Session()` or a parameter")
        return None
    line, value = assign
    given = None
    params = [p.name.value for p in init.params.params[1:]]
    if isinstance(value, cst.Name) and value.value in params:
        given = WithoutSession(value.value, params.index(value.value))
        if sum(1 for n in reads(init.body) if n.value == value.value) != 1:
            block(line, f"`__init__` uses the session `{value.value}` other than by keeping it "
                        f"in `self.{attribute}`")
    elif call_name(ctx, value) not in sym.SESSIONS or (
            isinstance(value, cst.Call) and value.args):
        block(line, f"`self.{attribute}` is set to something other than `tf.Session()` or a "
                    "parameter of `__init__`")
    closes: set[int] = set()
    for name, method in methods.items():
        runs = RunCalls(uses[name].owner, attribute)
        _walk_visit(method.body, runs)
        closes |= runs.closes
        for node, attr in uses[name].attributes:
            if attr == attribute and id(node) not in runs.allowed | uses[name].stores:
                block(node, f"`self.{attribute}` is used other than to run the graph in "
                            f"`{name}` (pass the values it computes instead)")
    return KeptSession(attribute, given, closes, initializer_run(ctx, init, owner, attribute))


def run_receivers(cls: cst.ClassDef) -> set[str]:
    """Attributes whose `.run(...)` a method calls (`self.sess.run(...)`)."""
    found: set[str] = set()
    if not isinstance(cls.body, cst.IndentedBlock):
        return found  # `class A: x = 1` holds no method
    for method in cls.body.body:
        if not isinstance(method, cst.FunctionDef):
            continue
        if not method.params.params:
            continue
        owner = method.params.params[0].name.value
        finder = RunCalls(owner)
        _walk_visit(method.body, finder)
        found |= finder.receivers
    return found


class RunCalls(cst.CSTVisitor):
    """The attributes whose `.run(...)` a method calls; with `session`, that attribute's uses
    that TF2 follows: runs, and `self.sess.close()` alone on a line (which goes)."""

    def __init__(self, owner: str, session: str | None = None) -> None:
        super().__init__()
        self.owner = owner
        self.session = session
        self.receivers: set[str] = set()
        self.allowed: set[int] = set()  # `self.sess` nodes used to run the graph or closed
        self.closes: set[int] = set()  # `self.sess.close()` lines

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        small = node.body[0] if len(node.body) == 1 else None
        call = small.value if isinstance(small, cst.Expr) else None
        if (isinstance(call, cst.Call) and not call.args and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "close" and self.session is not None
                and owner_attribute(call.func.value, self.owner) == self.session):
            self.closes.add(id(node))
            self.allowed.add(id(call.func.value))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "run":
            attr = owner_attribute(func.value, self.owner)
            if attr is not None:
                self.receivers.add(attr)
                self.allowed.add(id(func.value))
        if isinstance(func, cst.Attribute) and func.attr.value in ("run", "eval"):
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "session" and (
                        owner_attribute(arg.value, self.owner) is not None):
                    self.allowed.add(id(arg.value))


def attribute_assignment(init: cst.FunctionDef, owner: str, attribute: str
                          ) -> tuple[cst.SimpleStatementLine, cst.BaseExpression] | None:
    """`self.<attribute> = value` alone on a line of `__init__`'s top level."""
    assert isinstance(init.body, cst.IndentedBlock)
    for line in init.body.body:
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            continue
        small = line.body[0]
        if (isinstance(small, cst.Assign) and len(small.targets) == 1
                and owner_attribute(small.targets[0].target, owner) == attribute):
            return line, small.value
    return None


def initializer_run(ctx: Context, init: cst.FunctionDef, owner: str, session: str
                     ) -> cst.CSTNode | None:
    """A line of `__init__` that runs a variables initializer in the session: its fetch calls
    one (`tf.global_variables_initializer()`) or is an attribute set to one."""
    assert isinstance(init.body, cst.IndentedBlock)
    initializers = {attr for line in init.body.body for attr, value in _attribute_values(
        line, owner) if call_name(ctx, value) in sym.INITIALIZERS}
    for line in init.body.body:
        runs = _SessionRuns(owner, session)
        _walk_visit(line, runs)
        for fetch in runs.fetches:
            probe = TfProbe(ctx, sym.INITIALIZERS)
            _walk_visit(fetch, probe)
            if probe.found or owner_attribute(fetch, owner) in initializers:
                return line
    return None


def _attribute_values(line: cst.BaseStatement, owner: str
                      ) -> list[tuple[str, cst.BaseExpression]]:
    """`self.x = value` on a line: (x, value)."""
    if not isinstance(line, cst.SimpleStatementLine):
        return []
    return [(attr, small.value) for small in line.body if isinstance(small, cst.Assign)
            for target in small.targets
            if (attr := owner_attribute(target.target, owner)) is not None]


class _SessionRuns(cst.CSTVisitor):
    """What `self.<session>.run(...)` calls fetch."""

    def __init__(self, owner: str, session: str) -> None:
        super().__init__()
        self.owner = owner
        self.session = session
        self.fetches: list[cst.BaseExpression] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "run" and node.args
                and owner_attribute(func.value, self.owner) == self.session):
            self.fetches.append(node.args[0].value)
