"""The names of a model class's program (analyze/model_classes.py): in it, `self.x` becomes a
name, and the graph-building code of `__init__` and of its builders shares one scope. Each
attribute and each local of that code keeps its own name unless the name would meet another
one of the module or of the class's other methods; it is renamed then (`x_2`). The rewrite
folds the program back into a class, where attributes are `self.x` again and locals their own
names, so these names matter only inside the analysis."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import libcst as cst

from tf_migrate.analysis.names import BUILTINS, fresh_name, function_locals
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.model import ClassBuilder


@dataclass(frozen=True)
class ProgramNames:
    session: str  # the program's session
    attributes: dict[str, str]  # attribute -> name
    renames: dict[int, dict[str, str]]  # per function of the graph-building code (by id)


class _AllNames(cst.CSTVisitor):
    """Every name a subtree holds (read, bound or defined), attribute names and keywords
    aside."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        _walk_visit(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        _walk_visit(node.value, self)
        return False


def all_names(nodes: Iterable[cst.CSTNode]) -> set[str]:
    """Every name the nodes hold, attribute names and keywords aside."""
    collector = _AllNames()
    for node in nodes:
        _walk_visit(node, collector)
    return collector.names


def _locals(function: cst.FunctionDef) -> list[str]:
    """The function's parameters but the first (`self`), then the names its body binds."""
    params = [p.name.value for p in function.params.params[1:]]
    return [*params, *sorted(function_locals(function) - set(params))]


def program_names(module: cst.Module, cls: cst.ClassDef, init: cst.FunctionDef,
                  builders: Sequence[ClassBuilder], others: Sequence[cst.FunctionDef],
                  attributes: Sequence[str]) -> ProgramNames:
    """`init` and the `builders` share the program's scope; `others`: the class's other
    methods, whose names stay theirs."""
    building = [init, *(builder.method for builder in builders)]
    shared = {id(builder.method): (builder.caller, builder.shared) for builder in builders}
    outside = all_names([*(s for s in module.body if s is not cls), *others]) | BUILTINS
    own = {id(function): all_names([function]) - {function.params.params[0].name.value}
           for function in building}
    taken = outside.union(*own.values())
    names = {attr: fresh_name(attr, taken) for attr in attributes}
    chosen = set(names.values())  # names the program binds so far
    renames: dict[int, dict[str, str]] = {}
    for function in building:
        elsewhere = outside.union(*(names for key, names in own.items()
                                    if key != id(function)))
        renamed: dict[str, str] = {}
        caller, passed = shared.get(id(function), (function, ()))
        for local in _locals(function):
            if local in passed:
                # The caller's name: the same variable, written out in the same scope.
                renamed[local] = renames[id(caller)].get(local, local)
            elif local in elsewhere or local in chosen:
                renamed[local] = fresh_name(local, taken)
            chosen.add(renamed.get(local, local))
        renames[id(function)] = renamed
    return ProgramNames(fresh_name("session", taken), names, renames)
