"""tf.data iterators at run time: `sess.run(iterator.initializer)` is planned to become
`iterator = iter(dataset)` in place (a Reinitialization); after slicing, which
re-initializations build their dataset anew, which iterators would share a shuffle, and which
run functions take an iterator as an argument (see analyze/iterators.py for the measured
facts)."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from tf_migrate.analysis.names import read_names
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import (
    Context,
    DataFacts,
    GraphProgram,
    GraphStatement,
    Kind,
    Reinitialization,
    RunSite,
    Slice,
)

_Block = Callable[[cst.CSTNode, str], None]


def finish(state: ProgramState) -> None:
    """`sess.run(iterator.initializer)` -> `iterator = iter(dataset)`, in place; these runs
    leave the session's run sites (they fetch nothing)."""
    for site in list(state.sites):
        fetches = site.fetch.elements if isinstance(site.fetch, cst.List | cst.Tuple) else [
            site.fetch]
        values = [e.value if isinstance(e, cst.BaseElement) else e for e in fetches]
        initialized = [_initialized(state, value, site) for value in values]
        if not any(initialized):
            continue
        if len(values) > 1:
            state.block(site.call, "an iterator is initialized together with other fetches")
            continue
        statement = initialized[0]
        assert statement is not None and statement.data is not None
        _initialization(state, site, statement, statement.data)
        state.sites.remove(site)


def _initialized(state: ProgramState, value: cst.BaseExpression, site: RunSite
                 ) -> GraphStatement | None:
    """The iterator statement `value` (`it.initializer`) initializes, as bound at the site."""
    if not (isinstance(value, cst.Attribute) and value.attr.value == "initializer"
            and isinstance(value.value, cst.Name)):
        return None
    name = value.value.value
    reaching = [s for s in state.statements if name in s.targets and s.position < site.position]
    statement = reaching[-1] if reaching else None
    return statement if statement is not None and statement.kind is Kind.ITERATOR else None


def _initialization(state: ProgramState, site: RunSite, statement: GraphStatement,
                    data: DataFacts) -> None:
    name = statement.targets[0]
    if not data.initializable:
        state.block(site.call, f"`{name}` is a one-shot iterator, which has no initializer")
        return
    if site.feeds or site.feed_name is not None:
        state.block(site.call, f"`{name}` is initialized with a feed_dict (a dataset fed through "
                               "placeholders is not rewritten yet)")
        return
    expression = _statement_expression(state, site)
    if expression is None:
        state.block(site.call, f"the result of `{name}.initializer` is used")
        return
    data.initializations.append(site)
    dataset = data.dataset
    named = state.graph_names.get(dataset.value) if isinstance(dataset, cst.Name) else None
    state.in_place[id(expression)] = Reinitialization(
        name, data, named.node.value if named is not None else None)


def _statement_expression(state: ProgramState, site: RunSite) -> cst.Expr | None:
    finder = _ExprOf(site.call)
    _walk_visit(state.items[site.item].node, finder)
    return finder.found


class _ExprOf(cst.CSTVisitor):
    def __init__(self, call: cst.Call) -> None:
        super().__init__()
        self.call = call
        self.found: cst.Expr | None = None

    def visit_Expr(self, node: cst.Expr) -> None:
        if node.value is self.call:
            self.found = node


def check(program: GraphProgram, ctx: Context) -> None:
    """After slicing: which re-initializations build their dataset anew, which iterators would
    share a shuffle, and what the run functions may not do with datasets and iterators."""

    def block(node: cst.CSTNode, message: str) -> None:
        program.blockers.append((node, f"{message} (line {ctx.start(node)[0]})"))

    for statement in program.statements:
        if statement.kind is Kind.ITERATOR and statement.data is not None:
            _rebuild(statement, statement.data, block)
            if statement.data.initializations:
                _stable(program, statement, statement.data, block)
    _shared_shuffles(program, block)
    for slice_ in program.slices:
        _check_slice(slice_, block)
    _drop_rebuilt_datasets(program)


def _named_dataset(statement: GraphStatement) -> GraphStatement | None:
    """The dataset statement an iterator iterates, when it names one."""
    source = statement.data.dataset if statement.data is not None else None
    if not isinstance(source, cst.Name):
        return None
    return next((d for d in statement.deps if d.kind is Kind.DATASET
                 and source.value in d.targets), None)


def _rebuild(statement: GraphStatement, data: DataFacts, block: _Block) -> None:
    """A new `iter()` over the same Dataset draws the next shuffle order where TF1 restarted
    from the first: an iterator re-initialized over a reshuffling dataset builds it anew."""
    repeated = len(data.initializations) > 1 or any(s.repeated for s in data.initializations)
    if not repeated or not (data.reshuffles or data.inherited):
        return
    known = _named_dataset(statement)
    inherited = data.inherited if known is None else (
        known.data is not None and known.data.inherited)
    if inherited:
        block(statement.line, f"`{statement.targets[0]}` is re-initialized over a dataset "
                              "built on another that reshuffles (TF1 restarts that shuffle, a "
                              "new TF2 iterator continues it)")
        return
    if known is None:
        return  # the iterator's own chain: `iter(...)` builds it anew anyway
    data.rebuilt = True


def _stable(program: GraphProgram, statement: GraphStatement, data: DataFacts,
            block: _Block) -> None:
    """Each initialization evaluates the dataset expression again (the named dataset's value,
    when it is built anew): the names it reads must still mean what they meant in TF1."""
    source: GraphStatement | None = _named_dataset(statement) if data.rebuilt else None
    expression = source.node.value if source is not None else data.dataset
    since = (source or statement).position
    for name in sorted(read_names(expression)):
        later = [p for p in program.bindings.get(name, []) if p >= since]
        if later:
            block((source or statement).line,
                  f"`{name}` is rebound at line {later[-1][0]}, after the dataset read it (the "
                  f"dataset is read again at each `{statement.targets[0]}.initializer`)")


def _shared_shuffles(program: GraphProgram, block: _Block) -> None:
    """Each TF1 iterator starts a seeded shuffle from its first order; TF2 iterators over one
    Dataset object continue each other's."""
    drawn: dict[int, str] = {}
    for statement in program.statements:
        data = statement.data
        iterator = statement.kind is Kind.ITERATOR or (data is not None and data.chained)
        if not iterator or data is None or data.rebuilt:
            continue
        name = data.chained or statement.targets[0]
        for source in _reshuffling_sources(statement):
            if id(source) in drawn:
                block(statement.line, f"`{name}` and `{drawn[id(source)]}` both draw from "
                                      f"`{source.targets[0]}`, which reshuffles (each TF1 "
                                      "iterator starts from the first order, TF2 iterators of "
                                      "one Dataset continue its shuffle)")
            drawn[id(source)] = name


def _reshuffling_sources(statement: GraphStatement) -> list[GraphStatement]:
    found: dict[int, GraphStatement] = {}
    stack = [d for d in statement.deps if d.kind is Kind.DATASET]
    while stack:
        dataset = stack.pop()
        if id(dataset) in found:
            continue
        if dataset.data is not None and dataset.data.reshuffles:
            found[id(dataset)] = dataset
        stack.extend(d for d in dataset.deps if d.kind is Kind.DATASET)
    return list(found.values())


def _drop_rebuilt_datasets(program: GraphProgram) -> None:
    """A named dataset that only rebuilt iterators read is left unused: it goes."""
    needed = {id(p.data.dataset) for slice_ in program.slices if slice_.placeholders
              for p in parameters(slice_) if p.data is not None}
    for dataset in program.statements:
        if dataset.kind is not Kind.DATASET:
            continue
        readers = [s for s in program.statements if dataset in s.deps]
        if not readers or any(s.kind is not Kind.ITERATOR or s.data is None
                              or not s.data.rebuilt or id(s.data.dataset) in needed
                              for s in readers):
            continue
        for item in program.items:
            if item.node is dataset.line:
                item.drop = item.obsolete_comments = True  # rebuilt where it is initialized


def _check_slice(slice_: Slice, block: _Block) -> None:
    for root in slice_.roots:
        if root.kind in (Kind.DATASET, Kind.ITERATOR):
            block(slice_.site.call, f"fetches `{root.targets[0]}`, a tf.data "
                                    f"{root.kind.value} (a Python object in TF2)")
    readers: dict[int, GraphStatement] = {}
    for statement in slice_.statements:
        for dep in statement.deps:
            if dep.kind is Kind.ITERATOR and statement.data is not None:
                if id(dep) in readers:
                    block(slice_.site.call, f"one run takes two elements of "
                                            f"`{dep.targets[0]}` (TF1 leaves their order "
                                            "open)")
                readers[id(dep)] = statement
    if slice_.placeholders:
        for iterator in parameters(slice_):
            data = iterator.data
            if data is not None and not isinstance(data.dataset, cst.Name):
                block(slice_.site.call, f"a run feeds placeholders and reads "
                                        f"`{iterator.targets[0]}`, whose dataset has no name "
                                        "to give its input signature")


def parameters(slice_: Slice) -> list[GraphStatement]:
    """The re-initialized iterators a run function reads: passed to it as arguments (a
    tf.function would keep reading the iterator it captured first)."""
    found: dict[int, GraphStatement] = {}
    for statement in slice_.statements:
        for dep in statement.deps:
            if dep.kind is Kind.ITERATOR and dep.data is not None and dep.data.initializable:
                found.setdefault(id(dep), dep)
    return sorted(found.values(), key=lambda s: s.position)
