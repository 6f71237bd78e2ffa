"""tf.data datasets and iterators of a graph program.

A Dataset is a Python object in TF2 as it was in TF1: a statement that builds one from constants
or numpy values stays where it is (Kind.DATASET). An iterator becomes `iter(dataset)`
(Kind.ITERATOR): created once where a TF1 one-shot iterator was, or at each
`sess.run(iterator.initializer)` for an initializable one. `x = iterator.get_next()` is deferred:
every run that fetches something depending on it advances the iterator once, as
`iterator.get_next()` does in the run function (eagerly and in a tf.function alike, raising
`tf.errors.OutOfRangeError` at the end, so `except tf.errors.OutOfRangeError` loops still end).
Initializations and what run functions may do with iterators: analyze/iterator_runs.py.

Measured on TF 1.15 (graph) and TF 2.21 (scripts/check_control_flow_data.py measures it again):
- `shuffle(n, seed=s)` gives the same order in both, also over epochs of `.batch(...).repeat()`
  and with `.map(...)` between; `shuffle(...)` directly followed by `repeat(...)` does not (TF 1.15
  fuses them into one op with another order): unsafe. Unseeded shuffles and random ops in
  `map`/`filter` functions draw from the same distributions in both: random draws, said in the
  finding (as random initial values are).
- Re-initializing a TF1 iterator restarts a seeded reshuffling `shuffle` from its first order. A
  new `iter(dataset)` over the same Dataset object draws the next order, a Dataset built anew the
  first one again: a re-initialization over such a pipeline builds the dataset expression anew.
- A tf.function keeps the iterator it captured when the global is rebound (the next epoch ends at
  once): run functions that read a re-initialized iterator take it as a parameter.
- `OwnedIterator.get_next()` takes no `name=`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from tf_migrate.analysis.names import function_globals, read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.code import code
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.expressions import examine, not_handled
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import (
    DataFacts,
    GraphStatement,
    IteratorFromDataset,
    IteratorName,
    IteratorStatement,
    Kind,
    NoArguments,
)

SOURCES = frozenset({"tf.data.Dataset.from_tensor_slices", "tf.data.Dataset.from_tensors",
                     "tf.data.Dataset.range", "tf.data.Dataset.zip"})
# Dataset methods with the same meaning in TF 1.15 and TF 2.21, and their TF 1.15 parameters.
METHODS: dict[str, tuple[str, ...]] = {
    "batch": ("batch_size", "drop_remainder"),
    "padded_batch": ("batch_size", "padded_shapes", "padding_values", "drop_remainder"),
    "shuffle": ("buffer_size", "seed", "reshuffle_each_iteration"),
    "repeat": ("count",),
    "map": ("map_func", "num_parallel_calls"),
    "filter": ("predicate",),
    "take": ("count",),
    "skip": ("count",),
    "prefetch": ("buffer_size",),
    "cache": ("filename",),
    "concatenate": ("dataset",),
    "unbatch": (),
}
_FUNCTIONS = {"map": "map_func", "filter": "predicate"}
MAKERS = {"make_one_shot_iterator": False, "make_initializable_iterator": True}
FUNCTION_MAKERS = {"tf.data.make_one_shot_iterator": False,
                   "tf.data.make_initializable_iterator": True}


@dataclass
class _Parsed:
    """A statement's value read as a tf.data chain."""

    source: cst.BaseExpression  # the dataset expression the chain starts from
    methods: list[cst.Call]  # dataset methods applied to it, in order
    maker: cst.Call | None = None  # the call that makes an iterator
    initializable: bool = False
    get_next: cst.Call | None = None
    chain: set[int] = field(default_factory=set)  # ids of the chain's calls and attributes
    refused: bool = False  # blocked already: nothing more to check


def _unchain(value: cst.BaseExpression) -> tuple[cst.BaseExpression, list[cst.Call]]:
    """`root.a(...).b(...)` -> (root, [a call, b call]): method calls on a call or a name."""
    links: list[cst.Call] = []
    while isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and isinstance(
            value.func.value, cst.Call | cst.Name):
        links.append(value)
        value = value.func.value
    links.reverse()
    return value, links


def _method(call: cst.Call) -> str:
    assert isinstance(call.func, cst.Attribute)
    return call.func.attr.value


class _Reader:
    def __init__(self, state: ProgramState, statement: GraphStatement) -> None:
        self.state = state
        self.statement = statement
        self.line = state.ctx.start(statement.line)[0]

    def block(self, node: cst.CSTNode, message: str) -> None:
        self.state.block(node, message)

    def known(self, node: cst.BaseExpression, *kinds: Kind) -> GraphStatement | None:
        if not isinstance(node, cst.Name):
            return None
        statement = self.state.graph_names.get(node.value)
        return statement if statement is not None and statement.kind in kinds else None

    def parse(self, value: cst.BaseExpression) -> _Parsed | None:
        """None: the value is no tf.data chain; blocks and returns a parse for the ones that are
        not handled."""
        root, links = _unchain(value)
        name = self.state.ctx.tf_name(root.func) if isinstance(root, cst.Call) else None
        if isinstance(root, cst.Call) and name in FUNCTION_MAKERS:
            if len(root.args) != 1 or root.args[0].keyword is not None or root.args[0].star:
                self.block(root, f"cannot read the arguments of `{name}`")
            parsed = self._dataset(root.args[0].value if root.args else root)
            if parsed is None:
                text = code(root)
                self.block(root, f"`{text}` iterates something other than a tf.data dataset of "
                                 "this script")
                return _Parsed(root, [], refused=True)
            parsed.maker, parsed.initializable = root, FUNCTION_MAKERS[name or ""]
            parsed.chain.update({id(root), id(root.func)})
            return self._after_maker(parsed, links)
        iterator = self.known(root, Kind.ITERATOR)
        if iterator is not None:
            parsed = _Parsed(root, [])
            return self._after_maker(parsed, links)
        if not (self.known(root, Kind.DATASET) or (isinstance(root, cst.Call) and name in SOURCES)):
            if name is not None and name.startswith("tf.data."):
                self.block(root, f"`{name}` is not handled by the session rewrite (datasets from "
                                 "`from_tensor_slices`, `from_tensors`, `range` and `zip` are)")
                return _Parsed(root, links, refused=True)
            maker = next((link for link in links if _method(link) in MAKERS), None)
            if maker is not None:
                text = code(maker.func)
                self.block(maker, f"`{text}()` makes an iterator of something that is not a "
                                  "tf.data dataset built by a statement of the program")
                return _Parsed(root, links, refused=True)
            return None
        parsed = _Parsed(root, [], chain={id(root), id(root.func)} if isinstance(
            root, cst.Call) else set())
        for index, link in enumerate(links):
            method = _method(link)
            if method in MAKERS:
                parsed.maker, parsed.initializable = link, MAKERS[method]
                parsed.chain.update({id(link), id(link.func)})
                return self._after_maker(parsed, links[index + 1:])
            parsed.chain.update({id(link), id(link.func)})
            if method not in METHODS:
                self.block(link, f"the dataset method `.{method}(...)` is not handled by the "
                                 "session rewrite")
                parsed.refused = True
            parsed.methods.append(link)
        return parsed

    def _dataset(self, value: cst.BaseExpression) -> _Parsed | None:
        root, _ = _unchain(value)
        if self.known(root, Kind.DATASET) is None and not (
                isinstance(root, cst.Call) and self.state.ctx.tf_name(root.func) in SOURCES):
            return None
        parsed = self.parse(value)
        if parsed is not None and parsed.maker is not None:
            self.block(value, "an iterator of an iterator")
        return parsed

    def _after_maker(self, parsed: _Parsed, links: list[cst.Call]) -> _Parsed:
        if links and _method(links[0]) == "get_next":
            parsed.get_next = links[0]
            parsed.chain.update({id(links[0]), id(links[0].func)})
            links = links[1:]
        if links or (parsed.maker is None and parsed.get_next is None):
            text = code(links[0] if links else parsed.source)
            self.block(links[0] if links else parsed.source,
                       f"`{text}`: only `iterator.get_next()` is rewritten on a tf.data iterator")
        return parsed


def classify(state: ProgramState, statement: GraphStatement, value: cst.BaseExpression) -> bool:
    """Sets the kind and facts of a tf.data statement (a dataset, an iterator or its
    `get_next()`); False for other statements."""
    reader = _Reader(state, statement)
    parsed = reader.parse(value)
    if parsed is None:
        return _inside_expression(reader, value)
    if parsed.refused:
        statement.kind = Kind.DATASET
        return True
    facts = examine(state.ctx, value, set(state.graph_names), state.helpers)
    for node, name in facts.unsupported:
        if id(node) not in parsed.chain:
            state.block(node, not_handled(name))
    for node, message in facts.problems:
        if id(node) not in parsed.chain:
            state.block(node, message)
    if facts.updates or facts.creates:
        state.block(statement.line, "a dataset pipeline creates or updates variables")
    statement.reads = read_names(value)
    statement.deps = [state.graph_names[name] for name in sorted(facts.graph_reads)]
    data = DataFacts(_dataset_of(parsed, value), initializable=parsed.initializable)
    statement.data = data
    for dep in statement.deps:
        if dep.kind is Kind.DATASET and dep.data is not None:
            data.inherited = data.inherited or dep.data.reshuffles or dep.data.inherited
    _pipeline(reader, parsed, facts.random, facts.called_helpers)
    if parsed.get_next is not None:
        _get_next(reader, parsed, data)
    elif parsed.maker is not None:
        statement.kind = Kind.ITERATOR
        state.rewrites[id(parsed.maker)] = IteratorFromDataset(bool(parsed.maker.args))
    else:
        statement.kind = Kind.DATASET
    return True


def _dataset_of(parsed: _Parsed, value: cst.BaseExpression) -> cst.BaseExpression:
    """The dataset expression a statement starts from: the whole value of a dataset statement,
    what an iterator is made of, the iterator a `get_next()` reads."""
    maker = parsed.maker
    if maker is None:
        return value if parsed.get_next is None else parsed.source
    if maker.args:
        return maker.args[0].value
    assert isinstance(maker.func, cst.Attribute)
    return maker.func.value


def kept(statement: GraphStatement) -> bool:
    """Whether the statement's line stays where it is (datasets, one-shot iterators, and the
    iterator a chained `make_one_shot_iterator().get_next()` leaves behind)."""
    data = statement.data
    if statement.kind is Kind.DATASET:
        return True
    if statement.kind is Kind.ITERATOR:
        return data is None or not data.initializable
    return data is not None and data.chained is not None


def _pipeline(reader: _Reader, parsed: _Parsed, random: bool, called: set[str]) -> None:
    """Checks what the dataset reads and how it draws random numbers."""
    state, statement = reader.state, reader.statement
    data = statement.data
    assert data is not None
    for dep in statement.deps:
        name = dep.targets[0]
        if dep.kind is Kind.PLACEHOLDER:
            reader.block(statement.line, f"the dataset reads placeholder `{name}` (a dataset fed "
                                         "when its iterator is initialized is not rewritten yet)")
        elif dep.kind not in (Kind.EAGER, Kind.DATASET, Kind.ITERATOR):
            reader.block(statement.line, f"the dataset reads `{name}`, which is computed per "
                                         "run (TF1 read it when the iterator started)")
    functions = set(called)
    previous: str | None = None
    for call in parsed.methods:
        method = _method(call)
        bound = bind_args(call, METHODS.get(method, ()))
        if bound is None:
            reader.block(call, f"cannot read the arguments of `.{method}(...)`")
            bound = {}
        function = bound.get(_FUNCTIONS.get(method, ""))
        if isinstance(function, cst.Name) and function.value in state.helpers:
            functions.add(function.value)
        if method == "shuffle":
            reshuffles = bound.get("reshuffle_each_iteration")
            if not (isinstance(reshuffles, cst.Name) and reshuffles.value == "False"):
                data.reshuffles = True
            if bound.get("seed") is None:
                state.random_draws.append(f"the unseeded shuffle at line {reader.line}")
        if method == "repeat" and previous == "shuffle" and data.reshuffles:
            state.unsafe.append(f"the dataset at line {reader.line} repeats right after "
                                "`shuffle`: TF 1.15 fuses the two into one op that orders the "
                                "elements differently")
        previous = method
    for name in sorted(functions):
        helper = state.helpers[name]
        inner = examine(state.ctx, helper, set(), state.helpers)
        random = random or inner.random
        for node, unsupported in inner.unsupported:
            reader.block(node, f"`{unsupported}` in `{name}` is not handled by the session "
                               "rewrite")
        for node, message in inner.problems:
            reader.block(node, f"{message} (in `{name}`)")
        if inner.updates or inner.creates:
            reader.block(statement.line, f"`{name}` creates or updates variables")
        for read in sorted(function_globals(helper) & set(state.graph_names)):
            if state.graph_names[read].kind is not Kind.EAGER:
                reader.block(statement.line, f"`{name}` reads `{read}`, which is computed per "
                                             "run")
    if random:
        state.random_draws.append(f"the dataset at line {reader.line}")


def _get_next(reader: _Reader, parsed: _Parsed, data: DataFacts) -> None:
    state, statement = reader.state, reader.statement
    statement.kind = Kind.DEFERRED
    statement.structure = True
    call = parsed.get_next
    assert call is not None
    if bind_args(call, ("name",)) is None:
        reader.block(call, "cannot read the arguments of `get_next`")
    if call.args:
        state.rewrites[id(call)] = NoArguments()
    maker = parsed.maker
    if maker is None:
        named = reader.known(parsed.source, Kind.ITERATOR)
        if named is not None:
            statement.deps = [named]
        return
    if parsed.initializable:
        reader.block(call, "an initializable iterator that is never named cannot be "
                           "initialized")
        return
    # `x = dataset.make_one_shot_iterator().get_next()`: the iterator stays where the statement
    # was, under a name of its own; the run functions read `name.get_next()`.
    name = _fresh(state, "iterator")
    data.chained = name
    state.rewrites[id(maker)] = IteratorName(name)
    state.in_place[id(statement.line)] = IteratorStatement(name, maker)


def _fresh(state: ProgramState, stem: str) -> str:
    taken = {node.value for node in _names(state.module)}
    taken |= {s.data.chained for s in state.statements if s.data is not None and s.data.chained}
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}_{number}", number + 1
    return candidate


def _names(module: cst.Module) -> list[cst.Name]:
    finder = _NameFinder()
    _walk_visit(module, finder)
    return finder.names


class _NameFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[cst.Name] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node)


def _inside_expression(reader: _Reader, value: cst.BaseExpression) -> bool:
    """A dataset or iterator used inside a larger expression: claimed, and refused."""
    finder = _DataUse(reader)
    _walk_visit(value, finder)
    if finder.found is None:
        return False
    text = code(finder.found)
    reader.block(finder.found, f"`{text}` is used inside an expression (only `x = "
                               "iterator.get_next()` and dataset statements of their own are "
                               "rewritten)")
    return True


class _DataUse(cst.CSTVisitor):
    def __init__(self, reader: _Reader) -> None:
        super().__init__()
        self.reader = reader
        self.found: cst.CSTNode | None = None

    def visit_Call(self, node: cst.Call) -> bool:
        name = self.reader.state.ctx.tf_name(node.func)
        if self.found is None and name is not None and name.startswith("tf.data."):
            self.found = node
        return self.found is None

    def visit_Name(self, node: cst.Name) -> None:
        if self.found is None and self.reader.known(node, Kind.DATASET, Kind.ITERATOR):
            self.found = node
