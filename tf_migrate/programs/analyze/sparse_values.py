"""`tf.SparseTensorValue(indices, values, dense_shape)` outside a run's `feed_dict`: TF2 has no
such class, but TF1 fed a sparse placeholder an `(indices, values, dense_shape)` tuple exactly
as it fed one. The value becomes that tuple (SparseValueTuple) where every use of it the
analysis sees is such a feed, which the call passes as a `tf.sparse.SparseTensor`: bound to a
name read only there (`value = tf.SparseTensorValue(...)`, `{x: value}`), returned by a
function of the program whose every call is such a value (`return tf.SparseTensorValue(...)`),
an element of a list bound to a name whose every `name[i]`, or loop variable of `for t in
name:` or of a comprehension, is such a value (`[tf.SparseTensorValue(...), ...]`, `[f(w)
for w in words]`), or the value of a bound feed dict (`feed = {x: tf.SparseTensorValue(...)}`).
One written in a run's literal `feed_dict` is passed as a `tf.sparse.SparseTensor` by the call
itself. Any other is refused at its line, and so is any other use of such a name or
function."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import reads
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.expressions import not_handled
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import FeedBinding, Kind, SparseValueTuple

FIELDS = ("indices", "values", "dense_shape")
_NO_TF2 = "TF2 has no `tf.SparseTensorValue`"


class _Finder(cst.CSTVisitor):
    """The `tf.SparseTensorValue` calls under a node, each with the statement around it and
    the function it is in; `return f(...)` and `name = ...` statements by their value."""

    def __init__(self, state: ProgramState) -> None:
        super().__init__()
        self.state = state
        self.calls: list[tuple[cst.Call, cst.FunctionDef | None]] = []
        self.functions: list[cst.FunctionDef] = []
        self.returned: dict[int, cst.FunctionDef] = {}  # value id -> the function returning it
        self.bound: dict[int, cst.Name] = {}  # value id -> its one plain name target
        self.graph_lines = {id(s.line) for s in state.statements}
        self.in_graph = 0
        self.calls_of: dict[int, cst.Call] = {}  # the name of a called function -> the call
        self.defined: set[int] = set()  # the names of the functions
        # A list literal's elements and a list comprehension's element -> the list.
        self.elements: dict[int, cst.List | cst.ListComp] = {}
        self.subscripted: dict[int, cst.Subscript] = {}  # `name[...]`: the name -> the subscript
        self.loops: dict[int, cst.Name] = {}  # `for t in name:`: the name -> its one target
        self.measured: set[int] = set()  # `len(name)`: the name
        # `[... for t in name]`: the name -> the other names `t` in the comprehension.
        self.comprehended: dict[int, list[cst.Name]] = {}

    def _comprehension(self, node: cst.BaseComp | cst.DictComp) -> None:
        clause: cst.CompFor | None = node.for_in
        while clause is not None:
            if isinstance(clause.iter, cst.Name) and isinstance(clause.target, cst.Name):
                named = _Named(clause.target.value)
                _walk_visit(node, named)
                self.comprehended[id(clause.iter)] = [
                    n for n in named.found if n is not clause.target]
            clause = clause.inner_for_in

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node)

    def visit_List(self, node: cst.List) -> None:
        for element in node.elements:
            if isinstance(element, cst.Element):
                self.elements[id(element.value)] = node

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self.elements[id(node.elt)] = node
        self._comprehension(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if isinstance(node.value, cst.Name):
            self.subscripted[id(node.value)] = node

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.iter, cst.Name) and isinstance(node.target, cst.Name):
            self.loops[id(node.iter)] = node.target
            self.defined.add(id(node.target))

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if id(node) in self.graph_lines:
            self.in_graph += 1

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        if id(original_node) in self.graph_lines:
            self.in_graph -= 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node)
        self.defined.add(id(node.name))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and self.functions:
            self.returned[id(node.value)] = self.functions[-1]

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) and (
                not self.in_graph):
            self.bound[id(node.value)] = node.targets[0].target

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.calls_of[id(node.func)] = node
            if node.func.value == "len" and len(node.args) == 1:
                self.measured.add(id(node.args[0].value))
        if self.state.ctx.tf_name(node.func) == sym.SPARSE_VALUE:
            self.calls.append((node, self.functions[-1] if self.functions else None))


def check(state: ProgramState, feeds: Mapping[str, FeedBinding]) -> None:
    """Plans the tuples (ProgramState.rewrites) or blocks, at each `tf.SparseTensorValue` of the
    program and of the functions it may call."""
    nodes: dict[int, cst.CSTNode] = {id(i.node): i.node for i in state.items if not i.drop}
    own = {id(node) for node in nodes.values() if isinstance(node, cst.FunctionDef)}
    for helper in state.helpers.values():
        nodes.setdefault(id(helper), helper)
    finder = _Finder(state)
    for node in nodes.values():
        _walk_visit(node, finder)
    if not finder.calls:
        return
    in_site: set[int] = set()  # values of a run's literal feed_dict for a sparse placeholder
    fed: set[int] = set()  # those, and the values of a bound feed dict for one
    for site in state.sites:
        for placeholder, value in site.feeds:
            if _sparse(state, placeholder):
                in_site.add(id(value))
    fed |= in_site
    for binding in feeds.values():
        for literal in binding.dicts:
            for element in literal.elements:
                if isinstance(element, cst.DictElement) and isinstance(element.key, cst.Name) and (
                        _sparse(state, element.key.value)):
                    fed.add(id(element.value))
    # The names read, but those bound by `name = ...` and `def name`.
    written = {id(target) for target in finder.bound.values()} | finder.defined
    names: dict[str, list[cst.Name]] = {}
    for node in nodes.values():
        for name in reads(node):
            if id(name) not in written:
                names.setdefault(name.value, []).append(name)
    checked: dict[str, bool] = {}

    def name_fed(target: cst.Name, listed: bool = False) -> bool:
        """Whether every read of the name is a value fed to a sparse placeholder (`listed`: of
        a list of them, every `name[i]`, loop variable of `for t in name:` or of a comprehension, or
        `len(name)`);
        else it is
        refused at the first other read."""
        if target.value not in checked:
            checked[target.value] = True  # a name read in its own loop meets this
            other = [n for n in names.get(target.value, []) if id(n) not in fed and not (
                listed and _element_fed(n))]
            if other:
                held = "`tf.SparseTensorValue`s" if listed else "a `tf.SparseTensorValue`"
                state.block(other[0], f"`{target.value}` holds {held}, and is used other than "
                                      "as the value fed to a sparse placeholder "
                                      f"({_NO_TF2}: it becomes an `(indices, values, "
                                      "dense_shape)` tuple only where it is fed)")
            checked[target.value] = not other
        return checked[target.value]

    def _element_fed(read: cst.Name) -> bool:
        if id(read) in finder.measured:
            return True  # the list's length, whatever its elements
        subscript = finder.subscripted.get(id(read))
        if subscript is not None:
            return id(subscript) in fed
        variable = finder.loops.get(id(read))
        if variable is not None:
            return name_fed(variable)
        uses = finder.comprehended.get(id(read))
        return uses is not None and all(id(use) in fed for use in uses)

    def value_fed(value: cst.BaseExpression) -> bool:
        """Whether the value (a sparse value or the call of a function returning one) is fed
        to a sparse placeholder: in a feed dict, or bound to a name only fed."""
        if id(value) in fed:
            return True
        container = finder.elements.get(id(value))
        if container is not None:  # an element of a list bound to a name
            target = finder.bound.get(id(container))
            return target is not None and name_fed(target, listed=True)
        target = finder.bound.get(id(value))
        return target is not None and name_fed(target)

    functions: dict[str, bool] = {}

    def function_fed(function: cst.FunctionDef) -> bool:
        """Whether every use of the function is a call whose value is fed to a sparse
        placeholder; else it is refused at the first other use."""
        name = function.name.value
        if name not in functions:
            functions[name] = True  # a recursive call meets this
            for read in names.get(name, []):
                call = finder.calls_of.get(id(read))
                if call is not None and value_fed(call):
                    continue
                if call is None or not (id(call) in finder.bound or id(call) in finder.elements):
                    # (else refused at the name bound to it)
                    state.block(read, f"`{name}` returns a `tf.SparseTensorValue`, and is used "
                                      "other than to compute the value fed to a sparse "
                                      f"placeholder ({_NO_TF2})")
                functions[name] = False
                break
        return functions[name]

    for call, function in finder.calls:
        if len(bind_args(call, FIELDS) or {}) != len(FIELDS):
            state.block(call, f"`{sym.SPARSE_VALUE}` without its three fields ({_NO_TF2})")
            continue
        if id(call) in in_site:
            continue  # the call passes it as a `tf.sparse.SparseTensor`
        if function is not None and finder.returned.get(id(call)) is function and (
                id(function) in own):
            if function_fed(function):
                state.rewrites[id(call)] = SparseValueTuple()
            continue
        if id(call) in fed or id(call) in finder.bound or id(call) in finder.elements:
            if value_fed(call):
                state.rewrites[id(call)] = SparseValueTuple()
            continue
        state.block(call, not_handled(sym.SPARSE_VALUE))


class _Named(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.found.append(node)


def _sparse(state: ProgramState, placeholder: str) -> bool:
    statement = state.graph_names.get(placeholder)
    return statement is not None and statement.kind is Kind.PLACEHOLDER and statement.sparse
