"""The graph program: what the analysis (analyze/) finds in a TF1 script, and the plans of its
TF2 form the emitters (emit/) build from. `Context` is all that either asks of the syntax tree.
The syntax nodes held here are the user's own; every TF2 form is plain data (the plans)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import libcst as cst

Position = tuple[int, int]  # (line, column) of a node's start; orders statements in the module


class Context(Protocol):
    """What the analysis and the emitters ask of the syntax tree: TF symbol names and source
    positions (the rule, a module built by the rewrite, or source_context.SourceContext)."""

    def tf_name(self, node: cst.CSTNode) -> str | None: ...

    def start(self, node: cst.CSTNode) -> Position: ...

    def end(self, node: cst.CSTNode) -> Position: ...


@dataclass(frozen=True)
class ImportedHelper:
    """A function the script imports from a module of its own project
    (analyze/imported_helpers.py)."""

    called_as: str  # how the script calls it: "dense", "model.snn"
    name: str  # its name in its module
    shown: str  # its module's path, relative to the script's folder
    line: int  # where it is defined
    problem: str | None  # None: it only builds ops; else what it does that a run must not repeat
    creates_variables: bool  # the problem is that it creates variables
    random: bool  # it draws random numbers (TF2 draws other numbers from the same distributions)
    # A variable factory: it computes an initial value from TF ops and returns one new
    # `tf.Variable` (trainable or not), which its call in the script creates where it is.
    factory: bool = False
    trainable: bool = True
    builds_ops: bool = False  # it calls TensorFlow: its calls are graph statements

    def refusal(self) -> str:
        """Why a call of it stops the rewrite, and what to change by hand."""
        where = f"`{self.called_as}(...)` calls `{self.name}` ({self.shown}:{self.line})"
        if self.creates_variables:
            return (f"{where}, which {self.problem}: a function that runs on every step must "
                    f"not; make `{self.name}` a Keras layer or a `tf.Module` that creates its "
                    f"variables once, in its constructor (the findings in {self.shown} say how)")
        return (f"{where}, which {self.problem}; the rewritten program would do that on every "
                f"run: change `{self.name}` by hand first")


class Kind(enum.Enum):
    PLACEHOLDER = "placeholder"  # becomes a function parameter
    VARIABLE = "variable"  # created once, where it is
    INITIALIZER = "initializer"  # removed with its runs
    EAGER = "eager"  # a pure value of constants: computed once, where it is
    DEFERRED = "deferred"  # reads placeholders or variables, updates or draws: runs per call
    OPTIMIZER = "optimizer"  # a tf.train optimizer: becomes a Keras optimizer, created once
    SCHEDULE = "schedule"  # a decayed learning rate: becomes a Keras schedule, created once
    METRIC = "metric"  # a tf.metrics value: becomes a Keras metric object, created once
    LAYER = "layer"  # a tf.layers call: the Keras layer object, created once where it was
    DATASET = "dataset"  # a tf.data.Dataset: the same Python object in TF2, created where it is
    ITERATOR = "iterator"  # a tf.data iterator: `iter(dataset)` (analyze/iterators.py)


@dataclass(eq=False)
class TrainStep:
    """`opt.minimize(loss)`, `opt.compute_gradients(loss)` or `opt.apply_gradients(pairs)`."""

    method: str
    call: cst.Call  # the method call itself (compute_gradients may sit inside an expression)
    optimizer: str | None  # the optimizer statement's name; None: constructed inline
    constructor: cst.Call | None  # the inline TF1 optimizer constructor
    loss: str | None  # minimize / compute_gradients
    var_list: cst.BaseExpression | None  # as written, when given
    pairs: cst.BaseExpression | None  # apply_gradients' (gradient, variable) pairs
    global_step: str | None  # the counter it increments
    variables: list[str] = field(default_factory=list)  # what it differentiates or updates


@dataclass(eq=False)
class Metric:
    """A `tf.metrics.*` pair (see analyze/metrics.py): the Keras metric object `name`, and the
    statement of its update op (`update_state(...)` then `result()` per run)."""

    name: str
    constructor: Constructor  # `tf.keras.metrics.Accuracy()`
    update: MetricUpdate
    op: GraphStatement | None = None  # the update op's statement


@dataclass(eq=False)
class Layer:
    """A `tf.layers.*` call (see analyze/layers.py): the Keras layer object `name`, created
    once where the call was, and the statement that calls it (`h = name(x)`) per run."""

    name: str
    constructor: Constructor  # `tf.keras.layers.Dense(64, activation=tf.nn.relu)`
    variables: tuple[str, ...]  # its trainable variables, as the program reaches them
    trainable: bool = True
    op: GraphStatement | None = None  # the statement of the call
    # Values its constructor reads, named and written before it: (comment, name, source).
    prelude: tuple[tuple[str, str, str], ...] = ()
    # The model this layer ends, made right after it from the layers of its chain.
    model: SequentialModel | None = None


@dataclass(frozen=True)
class SequentialModel:
    """Layers called one after the other, each on the previous one's output alone, as the
    `tf.keras.Sequential` (`path`) they make, `name` (analyze/sequential.py)."""

    name: str
    path: str
    layers: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Penalty:
    """One regularized variable: the penalty's source, where the variable was made, and the
    statement that made it (a variable or a layer)."""

    text: str
    position: Position
    owner: GraphStatement


@dataclass(eq=False)
class MetricUpdate:
    """The arguments of `update_state`: the TF1 call's values in order (labels and predictions,
    or values), the predictions cast to `labels.dtype` by `<cast_module>.cast` when set (TF1's
    accuracy casts them, Keras the labels), and `sample_weight=` TF1's `weights`."""

    values: tuple[cst.BaseExpression, ...]
    cast_module: str | None = None
    sample_weight: cst.BaseExpression | None = None


@dataclass(eq=False)
class GraphStatement:
    """One `name = <graph expression>` statement of the program."""

    line: cst.SimpleStatementLine
    node: cst.Assign
    targets: tuple[str, ...]
    kind: Kind
    position: Position
    deps: list[GraphStatement] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)  # names read, graph or not
    random: bool = False
    updates: set[str] = field(default_factory=set)  # variables the statement assigns to
    structure: bool = False  # holds a list/tuple/dict of tensors rather than one tensor
    dtype: cst.BaseExpression | None = None  # placeholders: dtype, shape, default
    shape: cst.BaseExpression | None = None
    sparse: bool = False  # `tf.sparse_placeholder`: a `tf.SparseTensorSpec` parameter
    default: cst.BaseExpression | None = None
    # `placeholder_with_default`: the dtype TF infers for its literal default ("float32").
    literal_dtype: str | None = None
    helpers: set[str] = field(default_factory=set)  # module functions it calls
    train: TrainStep | None = None  # a training statement (minimize and its parts)
    returns_none: bool = False  # an operation: `sess.run` gives None for it
    trainable: bool = True  # variables: whether TF1 collects it as trainable
    # Optimizers and schedules, and a step's inline optimizer: the Keras object constructed in
    # place of the TF1 one.
    replacement: Constructor | None = None
    step_counter: bool = False  # a global step created by `tf.train.*global_step()`
    counter: str | None = None  # schedules, optimizers using one: the step variable it reads
    # A dict or list of variables (`weights = {"h1": tf.Variable(...)}`): how to reach each
    # one (`weights["h1"]`), in order.
    members: list[str] = field(default_factory=list)
    elided: bool = False  # `tf.group(...)`, `tf.no_op()`: nothing to write in TF2 but...
    grouped: list[cst.BaseExpression] = field(default_factory=list)  # ...the ops built inside
    metric: Metric | None = None  # tf.metrics value and update statements
    layer: Layer | None = None  # tf.layers object and call statements
    initializer: bool = False  # a TF1 initializer object (`init = tf.zeros_initializer()`)
    graph_only: bool = False  # control flow or tf.gradients: runs only inside a tf.function
    nested: tuple[str, ...] = ()  # branch and body functions reading per-run values: they move
    data: DataFacts | None = None  # datasets, iterators and `get_next()` (analyze/iterators.py)


@dataclass(eq=False)
class DataFacts:
    """A tf.data statement: a dataset, an iterator over one, or an iterator's `get_next()`."""

    dataset: cst.BaseExpression  # the dataset expression the statement starts from
    initializable: bool = False  # iterators: re-created at each `sess.run(it.initializer)`
    reshuffles: bool = False  # its own `shuffle` draws a new order on each pass
    inherited: bool = False  # a dataset it reads reshuffles
    chained: str | None = None  # `ds.make_one_shot_iterator().get_next()`: the iterator's name
    initializations: list[RunSite] = field(default_factory=list)  # `sess.run(it.initializer)`
    rebuilt: bool = False  # each initialization builds the named dataset anew


@dataclass(eq=False)
class FeedBinding:
    """`feed = {x: ..., y: ...}`: a name bound to a dict literal keyed by placeholders."""

    name: str
    dicts: list[cst.Dict]
    keys: tuple[str, ...]
    # `feed[rate] = 0.5`, `feed[rate]`: the placeholder names used as keys in the script's code,
    # written as strings as the dict's keys are.
    subscripts: list[cst.Name] = field(default_factory=list)


@dataclass(eq=False)
class RunSite:
    call: cst.Call
    fetch: cst.BaseExpression
    feeds: list[tuple[str, cst.BaseExpression]]  # literal feed_dict: (placeholder, value)
    feed_name: str | None  # feed_dict given as a name bound to a literal (FeedBinding)
    position: Position
    item: int  # index of the flattened top-level statement holding it
    repeated: bool  # inside a loop, comprehension or lambda
    discarded: bool  # the call is a whole expression statement: its result is unused
    initializer: bool = False
    target: cst.BaseExpression | None = None  # `target = sess.run(...)`: the one target
    as_int: bool = False  # `tf.train.global_step(sess, step)`: the value as a Python int
    resets: list[str] = field(default_factory=list)  # a local initializer: metrics it resets
    # Computed values the literal feed_dict replaces (`{h: value}`), by name: the run's slice
    # is cut there and they become parameters (analyze/fed_values.py).
    fed: dict[str, GraphStatement] = field(default_factory=dict)
    # The variables initializer run first in a second session: the variables get their initial
    # values again there (GraphProgram.reset).
    reinitializes: bool = False


@dataclass(eq=False)
class Slice:
    """What one run site computes: the deferred statements its fetches need, in program order."""

    site: RunSite
    statements: list[GraphStatement]
    placeholders: list[GraphStatement]
    variables: set[str]
    random: bool
    structure: bool | None  # None: cannot tell whether the fetch is one tensor
    roots: list[GraphStatement] = field(default_factory=list)  # what the fetch names refer to
    # Training ops fetched (None in TF1): the function returns the fetch without them, if
    # anything is left (`returns`).
    operations: frozenset[str] = frozenset()
    returns: bool = True
    schedules: dict[str, str] = field(default_factory=dict)  # fetched decayed rate -> its step
    # The result of a list or tuple fetch with training ops first or last is kept whole: the
    # call's values go between None in the ops' places.
    kept_whole: bool = False


@dataclass(eq=False)
class GraphPrint:
    """`print(z, z.shape)` while the graph is built (analyze/graph_prints.py): TF1 prints the
    symbolic tensors then. It goes into the run function that computes what it reads (`host`,
    the run whose function prints it at trace time), stays in place when it reads only values
    TF2 keeps at module level, or goes (`host` None and `item.drop`), as the notes say."""

    line: cst.SimpleStatementLine
    item: int  # index of its flattened top-level statement
    position: Position
    # The graph statements whose values it prints, by the name it reads them under, as
    # defined where it is.
    reads: dict[str, GraphStatement]
    names: frozenset[str] = frozenset()  # those whose `.name` it prints
    # Python names it reads beside them (module constants): read at trace time when it moves.
    python: frozenset[str] = frozenset()
    # `.value` of a TF1 Dimension, which goes (DimensionValue), and whether it prints a static
    # shape or dimension through `repr`, which TF2 spells otherwise.
    values: tuple[cst.Attribute, ...] = ()
    shape_reprs: bool = False
    static: bool = False  # it prints only static shapes, no value itself
    host: RunSite | None = None


@dataclass(frozen=True, eq=False)
class ArgScope:
    """`with slim.arg_scope([slim.conv2d, slim.fully_connected], activation_fn=...):`: the layer
    functions it gives defaults (contrib's names, which slim's are), and the defaults."""

    functions: frozenset[str]
    defaults: tuple[tuple[str, cst.BaseExpression], ...]


@dataclass(eq=False)
class Item:
    """A flattened top-level statement: Session and Graph `with` bodies are dedented into it."""

    node: cst.BaseStatement
    position: Position
    end: Position
    drop: bool = False
    obsolete_comments: bool = False  # comments about what was removed (initializers) go too
    # Names in the `tf.control_dependencies([...])` blocks around it: run before it.
    control: tuple[cst.BaseExpression, ...] = ()
    # The slim `arg_scope` blocks around it, outermost first (analyze/arg_scopes.py).
    defaults: tuple[ArgScope, ...] = ()


@dataclass
class GraphProgram:
    items: list[Item]
    statements: list[GraphStatement]
    sites: list[RunSite]
    slices: list[Slice]
    feeds: dict[str, FeedBinding]
    helpers: dict[str, cst.FunctionDef]
    tf_alias: str | None
    blockers: list[tuple[cst.CSTNode, str]]
    unsafe: list[str]
    # Where the program binds each global name; computed only for a program without blockers
    # (the emitter's fresh names need it, a refused program never reaches the emitter).
    bindings: dict[str, list[Position]]
    modules: set[str] = field(default_factory=set)  # imported modules safe to call per run
    # Helpers imported from the project's own modules, by how the script calls them.
    imported: Mapping[str, ImportedHelper] = field(default_factory=dict)
    tf1_program: bool = True  # the module names tf.Session or tf.placeholder somewhere
    # `import tensorflow.compat.v1 as tf`: the rewritten program imports TF2 instead.
    compat_import: cst.Import | None = None
    notes: list[str] = field(default_factory=list)  # what the rewrite dropped, for the message
    # What draws random numbers: TF2 draws from the same distributions, other numbers.
    random_draws: list[str] = field(default_factory=list)
    # The function (or `if __name__ == "__main__":` block) whose body is the program, if any.
    scope: cst.FunctionDef | cst.If | None = None
    session_functions: list[cst.FunctionDef | cst.If] = field(default_factory=list)
    outer_names: set[str] = field(default_factory=set)  # the module's names, seen from `scope`
    # Names as the user wrote them where the program renamed them (a model class's `loss_2`
    # is its `self.loss`): run functions are named after them.
    shown_names: dict[str, str] = field(default_factory=dict)
    # The range of the module's top-level statements that hold the program, when the module
    # holds several, one after another (each after a `reset_default_graph()`).
    segment: tuple[int, int] | None = None
    # Control flow and tf.data (analyze/control_flow.py, iterators.py): node id -> the plan of
    # its TF2 form, wherever the node is written; `in_place` only where the statement stays in
    # the module.
    rewrites: dict[int, ExpressionPlan] = field(default_factory=dict)
    in_place: dict[int, StatementPlan] = field(default_factory=dict)
    # `print(...)` of graph values while the graph is built (analyze/graph_prints.py).
    prints: list[GraphPrint] = field(default_factory=list)
    # The session's `tf.ConfigProto`, as the `tf.config` calls that set the same options.
    session_config: SessionConfig | None = None
    # The sessions a function of the program opens itself (`def main():` over the module's
    # graph, analyze/session_helpers.py): gone from its body.
    own_sessions: SessionsGone = field(default_factory=lambda: SessionsGone())
    # What a second session's variables initializer does (analyze/second_sessions.py).
    reset: VariableReset | None = None
    # Graph values that are tuples of tensors (an LSTM's state), and the fields read from them.
    tuple_fields: dict[str, frozenset[str]] = field(default_factory=dict)


def dependencies(
    roots: Iterable[GraphStatement],
    through: Callable[[GraphStatement], Iterable[GraphStatement]] = lambda statement: (),
) -> list[GraphStatement]:
    """The roots and every statement they depend on, in the order found: through the inputs of
    per-run (deferred) statements, and through what `through` adds for each of those."""
    seen: dict[int, GraphStatement] = {}
    stack = list(roots)
    while stack:
        statement = stack.pop()
        if id(statement) in seen:
            continue
        seen[id(statement)] = statement
        if statement.kind is Kind.DEFERRED:
            stack.extend(statement.deps)
            stack.extend(through(statement))
    return list(seen.values())


# -- plans: TF2 forms as plain data, which only the emitters (emit/) build -------------------


@dataclass(frozen=True)
class ArgumentReshape:
    """A `tf.cond`, `tf.while_loop` or `tf.gradients` call in TF2's signature: per argument, ""
    keeps it, a keyword passes it by that name, None drops it; then `[0]` `depth` times, for
    the one-element structure TF1 unpacked (analyze/control_flow.py)."""

    actions: tuple[str | None, ...]
    depth: int


@dataclass(frozen=True)
class IteratorFromDataset:
    """`ds.make_one_shot_iterator()` or `tf.data.make_one_shot_iterator(ds)` -> `iter(ds)`."""

    dataset_is_argument: bool  # the function form: the dataset is its argument, not its receiver


@dataclass(frozen=True)
class IteratorName:
    """The call that made an iterator inside a chain: the name the iterator is kept under."""

    name: str


@dataclass(frozen=True)
class DimensionValue:
    """`x.get_shape()[1].value` printed: TF1's Dimension held the int that TF2's shape holds
    itself, which has no `.value` (analyze/graph_prints.py)."""


@dataclass(frozen=True)
class NoArguments:
    """`iterator.get_next(name=...)`: TF2's `OwnedIterator.get_next()` takes none."""


@dataclass(frozen=True)
class VariableList:
    """`tf.trainable_variables()`: the list of the trainable variables created before it, by how
    the program reaches each (`w`, `weights["h1"]`) (analyze/variable_lists.py)."""

    members: tuple[str, ...]


@dataclass(frozen=True)
class SparseValueTuple:
    """`tf.SparseTensorValue(indices, values, dense_shape)` outside a run's `feed_dict`, whose
    every use is a feed of a sparse placeholder: the tuple `(indices, values, dense_shape)`, which
    the call passes as a `tf.sparse.SparseTensor` (analyze/sparse_values.py)."""


@dataclass(frozen=True, eq=False)
class IteratorStatement:
    """`x = ds.make_one_shot_iterator().get_next()` stays as `name = iter(ds)`, `ds` as `maker`
    reads it; the run functions read `name.get_next()`."""

    name: str
    maker: cst.Call


@dataclass(eq=False)
class Reinitialization:
    """`sess.run(iterator.initializer)` -> `iterator = iter(dataset)`, the dataset's expression
    built anew when `data.rebuilt` (known after slicing, analyze/iterator_runs.py)."""

    iterator: str
    data: DataFacts
    named_value: cst.BaseExpression | None  # the value of the dataset `data.dataset` names


@dataclass(eq=False)
class VariableReset:
    """A second session's `sess.run(tf.global_variables_initializer())`: TF1 starts every
    variable, and the optimizers' slots and step counts, from the initial values again. TF2
    writes one function that assigns each variable its initial value (`w.assign(1.0)`, in
    creation order) and sets the optimizers' variables but their learning rate back to zero,
    called where each such initializer ran (emit/resets.py)."""

    # How to reach each variable (`w`, `weights["h1"]`) and its initial value as written.
    assignments: list[tuple[str, cst.BaseExpression]]
    # The optimizer statements and training statements that construct theirs inline.
    optimizers: list[GraphStatement]


@dataclass(frozen=True)
class SourceText:
    """An argument written as source text: a TF1 default made explicit (`1e-08`), a number the
    analysis computed."""

    text: str


@dataclass(frozen=True, eq=False)
class Constructor:
    """A call of a TF2 class by its dotted path (`tf.keras.optimizers.Adam`), with keyword
    arguments in order (analyze/optimizers.py, metrics.py; built by emit/constructs.py)."""

    path: str
    keywords: tuple[tuple[str, Argument], ...] = ()
    positional: tuple[Argument, ...] = ()  # before the keywords (`Dense(64, ...)`)


@dataclass(frozen=True, eq=False)
class ArgumentList:
    """A list of planned arguments: the cells of a stacked Keras RNN."""

    items: tuple[Argument, ...]


Argument = cst.BaseExpression | SourceText | Constructor | ArgumentList
"""A constructor's argument: the user's expression as written, source text, a constructor, or a
list of them."""

@dataclass(frozen=True)
class WithoutSession:
    """A function the script gives its TF1 session (analyze/session_helpers.py): the parameter
    `name`, positional parameter `index`, goes from the definition, and its argument from every
    call."""

    name: str
    index: int


@dataclass(frozen=True)
class LayerCall:
    """`tf.layers.dense(x, 64)` in a run function: `layer(x)`, the call's TF1 parameters
    `params` binding its inputs. A dropout passes its TF1 `training` argument (parameter
    `training`, its TF1 default `training_default`): a Python value as `layer(x, training=...)`;
    a graph value (a placeholder) picks the branch at run time, as TF1 did: `tf.cond(training,
    lambda: layer(x, training=True), lambda: x)` (`cond`: how the script spells `tf.cond`),
    dropout being the identity when not training."""

    name: str
    params: tuple[str, ...]
    training: str | None = None
    training_default: str = "False"
    training_tensor: bool = False
    cond: str = "tf.cond"
    identity_off: bool = True  # not training it is the identity (dropout), else called so


@dataclass(frozen=True)
class RecurrentRun:
    """`outputs, state = tf.nn.dynamic_rnn(cell, x, ...)` (or `static_rnn`) in a run function:
    the Keras recurrent layer `name` called on the inputs (analyze/recurrent.py), `params` the
    TF1 call's parameters, to bind them. TF1's list of per-step tensors (`static`) is stacked
    into a sequence and the outputs unstacked again; a time-major sequence is transposed in and
    out; `sequence_length` becomes the layer's mask. The outputs go to `outputs` (None: `_`),
    the final state to `state`: the one tensor of a single simple cell, else the list Keras
    returns (`unpacked`, `*state`); None when the program never reads it."""

    name: str
    params: tuple[str, ...]
    static: bool
    time_major: bool
    masked: bool
    outputs: str | None
    state: str | None
    unpacked: bool
    tf: str = "tf"
    # A bidirectional RNN: its outputs go to the call's first target as written (a name, or
    # the forward and backward outputs), its states nowhere.
    bidirectional: bool = False
    # An LSTM's state unpacked as TF1's (c, h): Keras returns h before c.
    state_pair: tuple[str, str] | None = None


@dataclass(frozen=True)
class StateIndex:
    """A read of a TF1 RNN state where Keras keeps its parts in a list: `state.h` or `state[1]`
    of an LSTMStateTuple (c, h) as `state[0]` of Keras's [h, c] (`replace`: the attribute or
    index goes), a simple cell's state in a stack as `states[k][0]` (else: appended)."""

    index: int
    replace: bool


@dataclass(frozen=True, eq=False)
class ModelCall:
    """The last layer call of a chain the model `name` makes, as the model's call on the chain's
    inputs: `model(x)`, with the chain's `training` (`model(x, training=t)`; a graph value picks
    at run time: `tf.cond(t, lambda: model(x, training=True), lambda: model(x,
    training=False))`)."""

    name: str
    inputs: cst.BaseExpression
    training: cst.BaseExpression | None = None
    training_tensor: bool = False
    cond: str = "tf.cond"


@dataclass(frozen=True, eq=False)
class Constructed:
    """A TF1 object replaced by its TF2 counterpart's construction: an initializer bound to a
    name (`init = tf.truncated_normal_initializer(stddev=0.1)`) as the Keras initializer."""

    constructor: Constructor


@dataclass(frozen=True, eq=False)
class NewVariable:
    """`tf.get_variable(name, shape, dtype, initializer, trainable=...)` as `tf.Variable(
    initializer(shape, dtype=dtype), name=name, trainable=...)` (analyze/get_variables.py):
    `initial` is the Keras initializer (or a name bound to one), called with the shape; with no
    shape, the initial value itself (a tensor given as the initializer)."""

    path: str  # `tf.Variable` as the script spells TF
    initial: Argument
    shape: cst.BaseExpression | None
    dtype: cst.BaseExpression | None
    keywords: tuple[tuple[str, cst.BaseExpression], ...]
    room: int = 99  # the characters the call may take on its line before it is wrapped


@dataclass(frozen=True)
class ObjectCall:
    """A call of a variable-creating helper, `fc1 = fc_layer(x, 64, "fc1")`, in a run function:
    the call of the object that helper became (`fc1_layer(x)`), given the call's arguments for
    the helper's `tensors` parameters (`params`: the helper's, to bind them)."""

    name: str
    params: tuple[str, ...]
    tensors: tuple[str, ...]


@dataclass(frozen=True)
class ModuleClass:
    """A helper that creates variables and is called at several places of the program, as the
    `tf.Module` class it becomes (analyze/module_helpers.py, emit/module_helpers.py): its
    `config` parameters go to `__init__` (kept as attributes, `attributes[param]`), its
    `tensors` to `__call__`; the body's statements, with the `with` blocks at `dedent` (indices
    in the body) dedented, are numbered in order: the variables made by those at `creations`
    are made once, under `if not self.is_built:`, as attributes named after what they bind;
    reads of the config parameters and of those names become reads of the attributes."""

    class_name: str
    module_path: str  # `tf.Module` as the script spells TF
    config: tuple[str, ...]
    tensors: tuple[str, ...]
    attributes: tuple[tuple[str, str], ...]  # renamed: a name read in the body -> attribute
    dedent: tuple[int, ...]
    creations: tuple[int, ...]


@dataclass(frozen=True)
class NameScope:
    """`with tf.variable_scope(name):` (or TF1's `tf.name_scope(name)`) in a helper that creates
    no variables: it only named the ops, as TF2's `tf.name_scope(name)` does (`path`)."""

    path: str


@dataclass(frozen=True)
class Penalties:
    """A read of TF1's REGULARIZATION_LOSSES (analyze/regularization.py): the penalties it
    held, written out; `summed` as `tf.add_n([...])` (TF1's sum, 0.0 with none), else the
    list."""

    terms: tuple[str, ...]
    summed: bool
    tf: str = "tf"


ExpressionPlan = (ArgumentReshape | Constructed | DimensionValue | IteratorFromDataset
                  | IteratorName | LayerCall | ModelCall | NameScope | NewVariable
                  | NoArguments | ObjectCall | Penalties | RecurrentRun | SparseValueTuple
                  | StateIndex | VariableList | WithoutSession)
StatementPlan = IteratorStatement | ModuleClass | Reinitialization | WithoutSession


@dataclass(eq=False)
class WrittenOut:
    """A graph builder, a function or a class, written out at its one call (analyze/builders.py,
    emit/inline.py): the call's line becomes `parameter = argument` lines, the body, then
    `target = value` lines, and the definition goes."""

    name: str
    definition: cst.FunctionDef | cst.ClassDef
    call_line: cst.SimpleStatementLine
    arguments: list[tuple[str, cst.BaseExpression]]  # parameters not passed as themselves
    body: list[cst.BaseStatement]  # without its docstring
    renames: dict[str, str] = field(default_factory=dict)  # names renamed in the body
    # A class: `owner.attr` in `__init__` (`self.x`) becomes the name `attributes[attr]`.
    owner: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    # A function's results: the call's target (as written) or a new name, and its value.
    results: list[tuple[cst.Name | str, cst.BaseExpression]] = field(default_factory=list)
    # Reads elsewhere (`model["loss"]`, `model.loss`) -> the name they become, by node id.
    uses: dict[int, str] = field(default_factory=dict)


@dataclass(eq=False)
class ClassBuilder:
    """A method that `__init__` calls as a statement to build the graph (`self._build_net()`):
    written out at its call in the class's program, its parameters bound to the arguments."""

    method: cst.FunctionDef
    call_line: cst.SimpleStatementLine
    arguments: list[tuple[str, cst.BaseExpression]]  # each parameter and what the call passes
    caller: cst.FunctionDef
    # Parameters passed the caller's name of the same spelling, which the builder reads then.
    shared: tuple[str, ...] = ()


@dataclass(eq=False)
class ModelClass:
    """A TF1 model class (analyze/model_classes.py) and its *program* (emit/class_program.py):
    a function named after the class, with the constructor's parameters, whose body is the
    graph-building code of `__init__` with its builders written out, then the methods code
    outside calls (`entries`) as nested functions; the methods the graph-building code calls
    (`helpers`) are functions of the module. `self.x` becomes a name of the program, the
    session attribute the program's own session. The rewrite folds the program back into a
    `tf.Module` (emit/tf_module.py)."""

    definition: cst.ClassDef
    init: cst.FunctionDef
    session: str  # the attribute that holds the session (`sess` for `self.sess`)
    session_name: str  # the session's name in the program
    given: WithoutSession | None  # the constructor parameter that gives the session: it goes
    attributes: dict[str, str]  # each attribute -> its name in the program
    # `__init__` and each builder, by id: its parameters and locals -> their names in the
    # program (the names that would meet another name of the class are renamed).
    renames: dict[int, dict[str, str]]
    builders: dict[int, ClassBuilder]  # by id of the line that calls it
    helpers: list[cst.FunctionDef]
    entries: list[cst.FunctionDef]
    # Lines that go: `super().__init__()` (tf.Module's comes first), `self.sess.close()`.
    dropped: set[int]
    # `__init__` runs an initializer in the session it is given: every other instance's
    # variables are reset then, so the class may be instantiated only once.
    initializes: cst.CSTNode | None = None


@dataclass(eq=False)
class SessionsGone:
    """Sessions that TF2 does without, in code that stays (emit/sessions_gone.py): the statement
    lines that go (sessions, their closing, initializer runs, graph resets) and the
    `with tf.Session() as s:` blocks whose bodies take their place, by id."""

    dropped: set[int] = field(default_factory=set)
    dedented: set[int] = field(default_factory=set)


@dataclass(eq=False)
class ClassUses(SessionsGone):
    """Code outside a model class (analyze/class_instances.py): its sessions gone, and the
    instantiations, which lose the session argument."""

    instantiations: list[cst.Call] = field(default_factory=list)


@dataclass(frozen=True)
class ConfigSetting:
    """One option of the session's `tf.ConfigProto` (analyze/session_config.py): its path
    (`allow_soft_placement`, `gpu_options.allow_growth`, `device_count.GPU`) and the value the
    script gives it, written as the script wrote it."""

    option: str
    value: cst.BaseExpression


@dataclass(frozen=True, eq=False)
class SessionConfig:
    """The session's options as TF2 sets them: the settings in the script's order, written
    before the item at `anchor` (where the config was built, or earlier when ops run before it:
    TF2 fixes the thread pools and devices at its first op)."""

    settings: tuple[ConfigSetting, ...]
    anchor: int
    # The items of the config's statements (gone): their comments go with the calls.
    statements: tuple[int, ...] = ()
