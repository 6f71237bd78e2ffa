"""`print(z)`, `print(z.shape)`, `print("z:", z)` while the graph is built: TF1 prints the
symbolic tensor (`Tensor("mul:0", shape=(?,), dtype=float32)`) or its static properties, once,
when the line runs. TF2 has no graph being built at that place; the nearest meaning is the run
function that computes the value, which prints its symbolic tensor when it is traced. So a
print of graph values travels with the slice of the values it reads (emit/functions.py writes
it after the last of them), stays in place when it reads only values TF2 keeps at module level
(eager constants, variables: it then prints their values), or goes when no run computes what
it reads. Each case is said in the finding's notes: never silent."""

from __future__ import annotations

import libcst as cst

from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import GraphPrint, GraphProgram, GraphStatement, Kind, Slice

# What a print may read of a graph value: static facts TF1 knew while building the graph.
_PROPERTIES = frozenset({"shape", "dtype", "name"})
_SHAPE_METHODS = frozenset({"get_shape"})

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
    reads: dict[str, GraphStatement] = {}
    names: set[str] = set()  # values whose `.name` it prints
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is not None:
            if not _literal_keyword(arg.keyword.value, arg.value):
                return None  # `file=` and kin: where it prints is a Python value
            continue
        for value in _parts(arg.value):
            if value is None:
                return None
            read = _graph_read(value)
            if read is None:
                return None
            name, attribute = read
            statement = state.graph_names.get(name)
            if statement is None or not _printable(statement):
                return None
            reads[name] = statement
            if attribute == "name":
                names.add(name)
    if not reads:
        return None
    return GraphPrint(line, index, state.ctx.start(line), reads, frozenset(names))


def _literal_keyword(keyword: str, value: cst.BaseExpression) -> bool:
    if keyword in ("sep", "end"):
        return isinstance(value, cst.SimpleString)
    return keyword == "flush" and isinstance(value, cst.Name) and value.value in ("True",
                                                                                  "False")


def _parts(value: cst.BaseExpression) -> list[cst.BaseExpression | None]:
    """The values an argument prints beside literal text: none for a string or a number, the
    expressions of an f-string, the argument itself otherwise (None: not followed)."""
    if isinstance(value, cst.SimpleString | cst.Integer | cst.Float):
        return []
    if isinstance(value, cst.ConcatenatedString):
        return [*_parts(value.left), *_parts(value.right)]
    if isinstance(value, cst.FormattedString):
        parts: list[cst.BaseExpression | None] = []
        for part in value.parts:
            if isinstance(part, cst.FormattedStringExpression):
                parts.append(None if part.format_spec else part.expression)
        return parts
    return [value]


def _graph_read(value: cst.BaseExpression) -> tuple[str, str | None] | None:
    """`z`, `z.shape`, `z.dtype`, `z.name`, `z.get_shape()`, and `.as_list()` of a shape: the
    name read and the property printed (None: the value itself)."""
    if isinstance(value, cst.Call) and not value.args and isinstance(value.func, cst.Attribute):
        method = value.func.attr.value
        inner = _graph_read(value.func.value)
        if method == "as_list" and inner is not None and inner[1] == "shape":
            return inner
        if method in _SHAPE_METHODS and isinstance(value.func.value, cst.Name):
            return value.func.value.value, "shape"
        return None
    if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name):
        attribute = value.attr.value
        return (value.value.value, attribute) if attribute in _PROPERTIES else None
    if isinstance(value, cst.Name):
        return value.value, None
    return None


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
        shadowed = sorted(n for n in staying if n in local)
        if shadowed:
            block(found, f"`print` reads the module value `{shadowed[0]}`, which the run "
                         "function that computes the rest rebinds")
            continue
        if first_run is not None and any(s.position > first_run for s in staying.values()):
            # The function is traced at its first call: what it reads must exist by then.
            block(found, "`print` reads a value defined after the first run")
            continue
        found.host = host.site
        program.items[found.item].drop = True
        moved.append(line)
    program.notes.extend(_notes(moved, kept, dropped))


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
