"""What the methods of a model class (analyze/model_classes.py) do with their `self`: the
attributes they read and set, the methods they call as statements (builders), the ops they
build outside a run, and `super().__init__()`."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.builders import owner_attribute
from tf_migrate.programs.model import Context


class OwnerUses(cst.CSTVisitor):
    """How a method uses its first parameter (`self`): the attributes it reads and sets, the
    methods it calls as statements, and uses of `self` itself."""

    def __init__(self, owner: str) -> None:
        super().__init__()
        self.owner = owner  # the name of the method's first parameter
        self.attributes: list[tuple[cst.Attribute, str]] = []
        self.stores: set[int] = set()  # attribute nodes assigned to
        self.values: list[cst.Name] = []  # `self` used as a value
        self.definitions: list[cst.CSTNode] = []  # nested functions and classes

    def _store(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._store(element.value)
        elif isinstance(target, cst.StarredElement):
            self._store(target.value)
        elif owner_attribute(target, self.owner) is not None:
            self.stores.add(id(target))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._store(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._store(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._store(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._store(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._store(node.name)

    def visit_Del(self, node: cst.Del) -> None:
        self._store(node.target)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        attr = owner_attribute(node, self.owner)
        if attr is None:
            return True
        self.attributes.append((node, attr))
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.owner:
            self.values.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.definitions.append(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.definitions.append(node)


def owner_uses(method: cst.FunctionDef, owner: str, skipped: set[int]) -> OwnerUses:
    uses = OwnerUses(owner)
    assert isinstance(method.body, cst.IndentedBlock)
    for statement in method.body.body:
        if id(statement) not in skipped:
            _walk_visit(statement, uses)
    return uses


class OpsBuilt(cst.CSTVisitor):
    """TF ops a method builds outside what it runs (TF1 added them to the graph at each call;
    what a run fetches is computed per run in TF2 too)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.found: list[tuple[cst.Call, str]] = []

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("run", "eval"):
            return False
        name = self.ctx.tf_name(func)
        if name is not None and not sym.python_level(name):
            self.found.append((node, name))
            return False
        return True


def statement_call(line: cst.BaseStatement, owner: str, methods: dict[str, cst.FunctionDef]
                    ) -> tuple[cst.FunctionDef, cst.Call] | None:
    """`self.m(...)` alone on a line, `m` a method of the class."""
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    small = line.body[0]
    if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
        return None
    attr = owner_attribute(small.value.func, owner)
    if attr is None or attr not in methods:
        return None
    return methods[attr], small.value


def writable(body: cst.BaseSuite) -> bool:
    """Statements only (simple lines and `with` blocks), without `return`, `global` or
    `nonlocal`: a body that reads the same written out where it is called."""
    if not isinstance(body, cst.IndentedBlock):
        return False
    for statement in body.body:
        if isinstance(statement, cst.With):
            if not writable(statement.body):
                return False
        elif not isinstance(statement, cst.SimpleStatementLine) or any(
                isinstance(s, cst.Return | cst.Global | cst.Nonlocal) for s in statement.body):
            return False
    return True


def super_calls(init: cst.FunctionDef) -> set[int]:
    """`super().__init__()` and `super(Model, self).__init__()` lines of `__init__`."""
    assert isinstance(init.body, cst.IndentedBlock)
    found: set[int] = set()
    for line in init.body.body:
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            continue
        small = line.body[0]
        call = small.value if isinstance(small, cst.Expr) else None
        if (isinstance(call, cst.Call) and not call.args and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "__init__" and isinstance(call.func.value, cst.Call)
                and isinstance(call.func.value.func, cst.Name)
                and call.func.value.func.value == "super"):
            found.add(id(line))
    return found
