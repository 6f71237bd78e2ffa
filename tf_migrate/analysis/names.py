"""Which names an expression or statement reads, and where a module (re)binds each name.

Syntax only, no scope metadata: the graph-program analysis works on module-level code, where
every name is a global, and treats a function body as its own scope (parameters and assigned
names are local; everything else it reads is global).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable

import libcst as cst

from tf_migrate.cst.targets import target_name_nodes
from tf_migrate.cst.walk import visit as _walk_visit

BUILTINS = frozenset(dir(builtins))

# Methods that change their receiver in place (lists, dicts, sets, numpy arrays).
MUTATING_METHODS = frozenset(
    {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update",
     "setdefault", "popitem", "add", "discard", "fill", "resize", "put", "itemset"}
)


class _Reads(cst.CSTVisitor):
    """Names read by a subtree, in source order; comprehension and lambda variables excluded."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[cst.Name] = []
        self._bound: list[set[str]] = []

    def visit_Name(self, node: cst.Name) -> None:
        if not any(node.value in bound for bound in self._bound):
            self.names.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        _walk_visit(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        _walk_visit(node.value, self)
        return False

    def _comprehension(self, node: cst.BaseComp | cst.DictComp) -> bool:
        targets: set[str] = set()
        clause: cst.CompFor | None = node.for_in
        while clause is not None:
            targets |= {n.value for n in target_name_nodes(clause.target)}
            clause = clause.inner_for_in
        self._bound.append(targets)
        clause = node.for_in
        while clause is not None:
            _walk_visit(clause.iter, self)
            for condition in clause.ifs:
                _walk_visit(condition, self)
            clause = clause.inner_for_in
        if isinstance(node, cst.DictComp):
            _walk_visit(node.key, self)
            _walk_visit(node.value, self)
        elif isinstance(node, cst.ListComp | cst.SetComp | cst.GeneratorExp):
            _walk_visit(node.elt, self)
        self._bound.pop()
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return self._comprehension(node)

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return self._comprehension(node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return self._comprehension(node)

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return self._comprehension(node)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        params = {p.name.value for p in node.params.params}
        params |= {p.name.value for p in node.params.kwonly_params}
        for param in (*node.params.params, *node.params.kwonly_params):
            if param.default is not None:
                _walk_visit(param.default, self)
        self._bound.append(params)
        _walk_visit(node.body, self)
        self._bound.pop()
        return False


def reads(node: cst.CSTNode) -> list[cst.Name]:
    """The Name nodes `node` reads (assignment targets of a statement are not reads)."""
    visitor = _Reads()
    if isinstance(node, cst.Assign):
        _walk_visit(node.value, visitor)
        for target in node.targets:
            _target_reads(target.target, visitor)
    elif isinstance(node, cst.AnnAssign | cst.AugAssign):
        if node.value is not None:
            _walk_visit(node.value, visitor)
        _target_reads(node.target, visitor)
        if isinstance(node, cst.AugAssign) and isinstance(node.target, cst.Name):
            visitor.names.append(node.target)
    else:
        _walk_visit(node, visitor)
    return visitor.names


def read_names(node: cst.CSTNode) -> set[str]:
    return {name.value for name in reads(node)}


def _target_reads(target: cst.BaseExpression, visitor: _Reads) -> None:
    """`a[i] = ...` and `a.x = ...` read `a` and `i`; plain names are written, not read."""
    if isinstance(target, cst.Tuple | cst.List):
        for element in target.elements:
            _target_reads(element.value, visitor)
    elif isinstance(target, cst.StarredElement):
        _target_reads(target.value, visitor)
    elif not isinstance(target, cst.Name):
        _walk_visit(target, visitor)
def _mutated_root(target: cst.BaseExpression) -> cst.Name | None:
    while isinstance(target, cst.Subscript | cst.Attribute):
        target = target.value
    return target if isinstance(target, cst.Name) else None


class _Bindings(cst.CSTVisitor):
    """Every node that (re)binds or mutates a global name, outside function and class bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, cst.CSTNode]] = []
        self.modules: set[str] = set()

    def _target(self, target: cst.BaseExpression) -> None:
        for name in target_name_nodes(target):
            self.found.append((name.value, name))
        if isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                if not isinstance(element.value, cst.Name):
                    self._target(element.value)
        root = _mutated_root(target) if not isinstance(target, cst.Name) else None
        if root is not None:
            self.found.append((root.value, target))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)
        if isinstance(node.target, cst.Name):
            self.found.append((node.target.value, node.target))

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        if isinstance(node.name, cst.Name | cst.Tuple | cst.List):
            self._target(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._target(node.target)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        bound: cst.BaseExpression = node.asname.name if node.asname is not None else node.name
        while isinstance(bound, cst.Attribute):
            bound = bound.value
        if isinstance(bound, cst.Name):
            self.modules.add(bound.value)
        if node.asname is None:
            name: cst.BaseExpression = node.name
            while isinstance(name, cst.Attribute):
                name = name.value
            if isinstance(name, cst.Name):
                self.found.append((name.value, node))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in MUTATING_METHODS:
            root = _mutated_root(func.value)
            # `np.append(...)`, `tf.add(...)`: functions of a module, not methods of a value.
            if root is not None and root.value not in self.modules:
                self.found.append((root.value, node))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.found.append((node.name.value, node))
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.found.append((node.name.value, node))
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    # Comprehension variables are local to the comprehension in Python 3.
    def visit_CompFor(self, node: cst.CompFor) -> bool:
        _walk_visit(node.iter, self)
        for condition in node.ifs:
            _walk_visit(condition, self)
        if node.inner_for_in is not None:
            _walk_visit(node.inner_for_in, self)
        return False


def bindings(nodes: Iterable[cst.CSTNode], modules: Iterable[str] = ()
             ) -> list[tuple[str, cst.CSTNode]]:
    """(name, node) for every binding or in-place mutation of a global name in `nodes`.
    `modules`: names bound to modules by imports outside `nodes` (`tf.add(...)` calls a
    module's function, it does not change a set)."""
    visitor = _Bindings()
    visitor.modules.update(modules)
    for node in nodes:
        _walk_visit(node, visitor)
    return visitor.found


def function_globals(node: cst.FunctionDef | cst.Lambda) -> set[str]:
    """Names a function reads that are neither its parameters nor assigned in its body."""
    params = node.params
    local = {p.name.value for p in (*params.params, *params.kwonly_params, *params.posonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            local.add(star.name.value)
    local |= function_locals(node)
    defaults = [p.default for p in (*params.params, *params.kwonly_params) if p.default]
    read = {n.value for n in reads(node.body)} | {n for d in defaults for n in read_names(d)}
    return read - local - BUILTINS


_BINDING_NODES = (cst.Name, cst.FunctionDef, cst.ClassDef, cst.ImportAlias)


def function_locals(node: cst.FunctionDef | cst.Lambda) -> set[str]:
    """Names a function body binds (in-place mutations of other names do not make them local)."""
    return {name for name, where in bindings([node.body]) if isinstance(where, _BINDING_NODES)}


def mutated_globals(node: cst.FunctionDef) -> set[str]:
    """Global names a function changes in place (`cache.append(...)`, `table[k] = v`) or
    declares `global`/`nonlocal`."""
    declared = _Declared()
    _walk_visit(node.body, declared)
    local = function_locals(node) | {p.name.value for p in node.params.params}
    mutated = {name for name, where in bindings([node.body])
               if not isinstance(where, _BINDING_NODES)}
    return (mutated - local) | declared.names


class _Declared(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Global(self, node: cst.Global) -> None:
        self.names |= {item.name.value for item in node.names}

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.names |= {item.name.value for item in node.names}


def fresh_name(stem: str, taken: set[str]) -> str:
    """`stem`, or `stem_2`, `stem_3`, ...: the first not in `taken` (which it joins)."""
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}_{number}", number + 1
    taken.add(candidate)
    return candidate


class _Identifiers(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.found.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        _walk_visit(node.value, self)  # `tf.layers`: `layers` names no variable of the module
        return False


def identifiers(node: cst.CSTNode) -> set[str]:
    """Every name spelled in `node`, bound or read, attributes' names aside."""
    visitor = _Identifiers()
    _walk_visit(node, visitor)
    return visitor.found
