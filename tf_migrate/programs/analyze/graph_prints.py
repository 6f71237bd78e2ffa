"""`print(z)`, `print(z.shape)`, `print("z:", z)`, `print("n = {}".format(z.shape[0]))` while
the graph is built (analyze/printed_values.py says what such a print may read): TF1 prints the
symbolic tensor (`Tensor("mul:0", shape=(?,), dtype=float32)`) or its static properties, once,
when the line runs. TF2 has no graph being built at that place; the nearest meaning is the run
function that computes the value, which prints its symbolic tensor when it is traced. So a
print of graph values travels with the slice of the values it reads (emit/functions.py writes
it after the last of them), stays in place when it reads only values TF2 keeps at module level
(eager constants, variables: it then prints their values), or goes when no run computes what
it reads. Each case is said in the finding's notes: never silent."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf_migrate.programs.analyze.printed_values import Printed
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import (
    DimensionValue,
    GraphPrint,
    GraphProgram,
    GraphStatement,
    Kind,
    Slice,
)

# Values TF2 computes inside the run functions; the others stay at module level.
_MOVING = (Kind.PLACEHOLDER, Kind.DEFERRED)


def recognize(state: ProgramState, line: cst.SimpleStatementLine, index: int
              ) -> GraphPrint | None:
    """`line` as a print of graph values, or None: plain Python, checked as such (a graph value
    used otherwise stays refused)."""
    if len(line.body) != 1 or not isinstance(line.body[0], cst.Expr):
        return None
    call = line.body[0].value
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name)
            and call.func.value == "print"):
        return None
    positional = []
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            positional.append(arg)
        elif not _literal_keyword(arg.keyword.value, arg.value):
            return None  # `file=` and kin: where it prints is a Python value
    printed = Printed(state.graph_names)
    if not printed.arguments(positional) or not printed.reads:
        return None
    reads = {name: state.graph_names[name] for name in printed.reads}
    if not all(_printable(statement) for statement in reads.values()):
        return None
    names = frozenset(n for n, attributes in printed.reads.items() if "name" in attributes)
    # A variable's dtype is `float32_ref` in TF1: only shapes print the same.
    static = all(a == "shape" for attributes in printed.reads.values() for a in attributes)
    return GraphPrint(line, index, state.ctx.start(line), reads, names,
                      frozenset(printed.python), tuple(printed.values), printed.shape_reprs,
                      static)


def _literal_keyword(keyword: str, value: cst.BaseExpression) -> bool:
    if keyword in ("sep", "end"):
        return isinstance(value, cst.SimpleString)
    return keyword == "flush" and isinstance(value, cst.Name) and value.value in ("True",
                                                                                  "False")


def _printable(statement: GraphStatement) -> bool:
    """Tensors and variables; not operations (TF1 prints an op's NodeDef), optimizers, metrics
    or tf.data objects, whose TF2 objects print as something else altogether."""
    if statement.kind is Kind.DEFERRED:
        return not (statement.returns_none or statement.train is not None
                    or statement.metric is not None or statement.data is not None)
    return statement.kind in (Kind.EAGER, Kind.VARIABLE, Kind.PLACEHOLDER)


def place(program: GraphProgram) -> None:
    """Decides where each print goes, once the slices are known; blocks what cannot go."""
    moved: list[int] = []
    kept: list[int] = []
    dropped: dict[int, list[str]] = {}
    first_run = min((s.site.position for s in program.slices), default=None)

    def block(found: GraphPrint, message: str) -> None:
        program.blockers.append((found.line, f"{message} (line {found.position[0]})"))

    for found in program.prints:
        line = found.position[0]
        moving = [s for s in found.reads.values() if s.kind in _MOVING]
        staying = {n: s for n, s in found.reads.items() if s.kind not in _MOVING}
        if not moving:
            eager = sorted(n for n in found.names if staying[n].kind is Kind.EAGER)
            if eager:
                block(found, f"`{eager[0]}.name` is printed, which a TF2 eager tensor does not "
                             "have")
                continue
            if not found.static:  # static facts print the same
                kept.append(line)
            continue
        hosts = [s for s in program.slices if all(id(m) in _computed(s) for m in moving)]
        if not hosts:
            if any(id(m) in _computed(s) for s in program.slices for m in moving):
                block(found, "`print` reads graph values that no one run computes together "
                             "(print them on separate lines)")
                continue
            program.items[found.item].drop = True
            dropped[line] = sorted(n for n, s in found.reads.items() if s.kind in _MOVING)
            continue
        host = hosts[0]
        local = {n for s in (*host.statements, *host.placeholders) for n in s.targets}
        shadowed = sorted(n for n in (*staying, *found.python) if n in local)
        if shadowed:
            block(found, f"`print` reads the module value `{shadowed[0]}`, which the run "
                         "function that computes the rest rebinds")
            continue
        rebound = sorted(found.python & _bound_after(program, found))
        if rebound:
            # The function reads it when it is traced, at its first call.
            block(found, f"`print` reads `{rebound[0]}`, which the script binds again after it")
            continue
        if first_run is not None and any(s.position > first_run for s in staying.values()):
            # The function is traced at its first call: what it reads must exist by then.
            block(found, "`print` reads a value defined after the first run")
            continue
        found.host = host.site
        program.items[found.item].drop = True
        moved.append(line)
    written = [p for p in program.prints if not program.items[p.item].drop or p.host]
    for found in written:
        program.rewrites.update((id(value), DimensionValue()) for value in found.values)
    program.notes.extend(_notes(moved, kept, dropped))
    program.notes.extend(_shape_notes(written))


def _bound_after(program: GraphProgram, found: GraphPrint) -> set[str]:
    """The names the module's statements after the print bind (not inside functions)."""
    collector = _Bound()
    for item in program.items[found.item + 1:]:
        item.node.visit(collector)
    return collector.names


class _Bound(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def _targets(self, node: cst.BaseExpression) -> None:
        if isinstance(node, cst.Name):
            self.names.add(node.value)
        elif isinstance(node, cst.Tuple | cst.List):
            for element in node.elements:
                self._targets(element.value)
        elif isinstance(node, cst.StarredElement):
            self._targets(node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        if isinstance(node.name, cst.Name):
            self.names.add(node.name.value)
        else:
            self._targets(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None:
            self.names.add((get_full_name_for_node(node.name) or "").split(".")[0])

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return False

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return False

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return False

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return False


def _computed(slice_: Slice) -> set[int]:
    return {id(s) for s in (*slice_.statements, *slice_.placeholders)}


def _lines(lines: list[int]) -> str:
    return f"line{'s' if len(lines) > 1 else ''} {', '.join(str(n) for n in lines)}"


def _notes(moved: list[int], kept: list[int], dropped: dict[int, list[str]]) -> list[str]:
    notes = []
    if moved:
        notes.append(
            f"`print` of graph values ({_lines(moved)}) moves into the function that computes "
            "them: it prints the symbolic tensors when the function is traced (at its first "
            "call, not at that place of the script), with TF2's op names (`.name`) and `None` "
            "for unknown dimensions")
    if kept:
        notes.append(f"`print` of values TF2 computes where they are ({_lines(kept)}) prints "
                     "their values, not symbolic tensors")
    for line, names in dropped.items():
        listed = ", ".join(f"`{n}`" for n in names)
        notes.append(f"`print` at line {line} goes: no run computes {listed}")
    return notes


def _shape_notes(written: list[GraphPrint]) -> list[str]:
    notes = []
    values = [p.position[0] for p in written if p.values]
    if values:
        notes.append(f"`.value` of a shape's dimension goes ({_lines(values)}): TF2's shapes "
                     "hold ints (or None), not TF1's Dimension objects")
    fed = [p.position[0] for p in written if p.static and p.host and any(
        s.kind is Kind.PLACEHOLDER for s in p.reads.values())]
    if fed:
        # A placeholder no longer exists where the print was; its parameter does, traced.
        notes.append(f"`print` of placeholders' shapes ({_lines(fed)}) reads the function's "
                     "parameters, whose input signature has the placeholders' shapes")
    reprs = [p.position[0] for p in written if p.shape_reprs]
    if reprs:
        notes.append(f"`print` through `repr` of static shapes ({_lines(reprs)}) shows TF2's "
                     "`TensorShape([None, 3])` and `3` where TF1 showed "
                     "`TensorShape([Dimension(None), Dimension(3)])` and `Dimension(3)`")
    return notes
