"""TFM150: a module-level TF1 session script, rewritten as TF2 functions as a whole."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.evidence import is_evidence
from tf_migrate.analysis.graph_program import analyze
from tf_migrate.analysis.inlining import inline_builders
from tf_migrate.analysis.program_model import Context, GraphProgram, Kind, Position
from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.analysis.syntax import compat_v1_import, tf_alias
from tf_migrate.analysis.tf_symbols import SESSIONS
from tf_migrate.cst.positions import PositionIndex
from tf_migrate.model import Applicability
from tf_migrate.rules.graph_rewrite_module import rewrite_module
from tf_migrate.rules.support.rule import (
    DeferredReplacement,
    Invalid,
    NeededImport,
    Rule,
    UnusedImport,
    Valid,
)

_BEFORE = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 2])
w = tf.Variable([[1.0], [2.0]])
y = tf.matmul(x, w)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run(y, feed_dict={x: [[1.0, 1.0]]})
"""

_AFTER = """\
import tensorflow as tf

w = tf.Variable([[1.0], [2.0]])


@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
def compute_y(x):
    y = tf.matmul(x, w)
    return y


out = compute_y([[1.0, 1.0]]).numpy()
"""

_LOOP_BEFORE = """\
import tensorflow as tf

counter = tf.Variable(0)
step = tf.assign_add(counter, 1)
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for _ in range(3):
    sess.run(step)
final = sess.run(counter)
sess.close()
"""

_LOOP_AFTER = """\
import tensorflow as tf

counter = tf.Variable(0)


@tf.function
def run_step():
    step = counter.assign_add(1)
    return step


for _ in range(3):
    run_step()
final = counter.numpy()
"""


class _FreshContext:
    """Names and positions of a module the rule built (a builder written out at its call):
    TF names resolve as in the file (same imports), positions are the new module's."""

    def __init__(self, module: cst.Module, names: NameResolver) -> None:
        self._positions = PositionIndex(module)
        self._names = names

    def tf_name(self, node: cst.CSTNode) -> str | None:
        return self._names.tf_name(node)

    def start(self, node: cst.CSTNode) -> Position:
        start = self._positions.range(node).start
        return (start.line, start.column)

    def end(self, node: cst.CSTNode) -> Position:
        end = self._positions.range(node).end
        return (end.line, end.column)


def _program(module: cst.Module, context: Context, keras: str) -> GraphProgram:
    """The module's program, or that of the one function holding it."""
    program = analyze(module, context, tf1_evidence=True, keras=keras)
    if not program.tf1_program:
        return program
    # `def main():` holding `if ...` blocks does not nest deeply: a few levels are enough.
    for _ in range(3):
        scope = _session_function(program)
        if scope is None:
            break
        program = analyze(module, context, tf1_evidence=True, keras=keras, scope=scope)
    return program


def _session_function(program: GraphProgram) -> cst.FunctionDef | cst.If | None:
    """The one function that holds the program (`def main():` building the graph and running
    the session), when the module's top level builds no graph and runs no session itself."""
    if len(program.session_functions) != 1 or program.sites:
        return None
    if any(s.kind is not Kind.EAGER for s in program.statements):
        return None
    return program.session_functions[0]


def _uses_keras(program: GraphProgram) -> bool:
    return any(s.kind in (Kind.OPTIMIZER, Kind.SCHEDULE, Kind.METRIC) or s.train is not None
               for s in program.statements)


def _tensorflow_from_imports(module: cst.Module) -> tuple[UnusedImport, ...]:
    """`from tensorflow… import name` at module level: the rewrite may leave them unused, and
    TF1-only names (`placeholder`, `Session`) fail to import on TF2."""
    found: list[UnusedImport] = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if (not isinstance(small, cst.ImportFrom) or small.relative or small.module is None
                    or isinstance(small.names, cst.ImportStar)):
                continue
            source = cst.Module([]).code_for_node(small.module)
            if source != "tensorflow" and not source.startswith("tensorflow."):
                continue
            for alias in small.names:
                if isinstance(alias.name, cst.Name):
                    asname = (alias.asname.name.value if alias.asname is not None
                              and isinstance(alias.asname.name, cst.Name) else None)
                    found.append(UnusedImport(source, alias.name.value, asname))
    return tuple(found)


# `from tensorflow import placeholder, Session` would fail on TF2: imports the rewrite leaves
# unused are removed.
_FROM_BEFORE = """\
import tensorflow as tf
from tensorflow import Session, placeholder

x = placeholder(tf.float32, [2])
y = x * 2.0
with Session() as sess:
    out = sess.run(y, {x: [1.0, 2.0]})
"""

_FROM_AFTER = """\
import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec([2], tf.float32)])
def compute_y(x):
    y = x * 2.0
    return y


out = compute_y([1.0, 2.0]).numpy()
"""

# TF1's while_loop returns its one loop variable itself, TF2's a one-element list.
_WHILE_BEFORE = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [])
y = tf.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, [x])
with tf.Session() as sess:
    out = sess.run(y, {x: 1.5})
"""

_WHILE_AFTER = """\
import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
def compute_y(x):
    y = tf.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, [x])[0]
    return y


out = compute_y(1.5).numpy()
"""

_ITERATOR_BEFORE = """\
import tensorflow as tf

dataset = tf.data.Dataset.range(5).batch(2)
batch = dataset.make_one_shot_iterator().get_next()
with tf.Session() as sess:
    first = sess.run(batch)
"""

_ITERATOR_AFTER = """\
import tensorflow as tf

dataset = tf.data.Dataset.range(5).batch(2)
iterator = iter(dataset)


def compute_batch():
    batch = iterator.get_next()
    return batch


first = tf.nest.map_structure(lambda t: t.numpy(), compute_batch())
"""


_RMSPROP_BEFORE = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None])
w = tf.Variable(1.0)
loss = tf.reduce_mean(tf.square(w * x - 1.0))
train = tf.train.RMSPropOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(3):
        sess.run(train, {x: [1.0, 2.0]})
"""

_RMSPROP_AFTER = """\
import tensorflow as tf

w = tf.Variable(1.0)
optimizer = tf.keras.optimizers.RMSprop(
    learning_rate=0.1,
    rho=0.9,
    momentum=0.0,
    epsilon=1e-10,
    centered=False,
)


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def train_step(x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(w * x - 1.0))
    gradients = tape.gradient(loss, [w])
    optimizer.apply_gradients(zip(gradients, [w]))


for _ in range(3):
    train_step([1.0, 2.0])
"""


class SessionProgram(Rule):
    """## What it does
    Rewrites a module-level TF1 script that builds a graph and runs it in a session into TF2:
    variables are created once where they were; initializer runs disappear; each distinct
    `sess.run(...)` / `t.eval(...)` becomes a call of a function whose parameters are the
    placeholders its fetches need and whose body is the backward slice of graph statements the
    fetches depend on (`@tf.function` with the placeholders' dtypes and shapes as
    `input_signature`, or when it is called repeatedly); results stay numpy (`.numpy()`,
    `tf.nest.map_structure`); `placeholder_with_default` becomes a default argument; the Session
    block's body stays in place, dedented. Values built only from constants are computed once,
    where they were defined.

    Training: `opt.minimize(loss[, var_list, global_step])` fetched in a run becomes a train step
    (`train_step`): the statements the run needs that do not depend on the step are computed
    under a `tf.GradientTape`, then `tape.gradient(loss, variables)` and the Keras optimizer's
    `apply_gradients`, then `global_step.assign_add(1)`; a loss fetched with the train op is the
    loss before the update, as in TF1. The variables are those `minimize` would train: `var_list`
    or the trainable variables the loss depends on. `compute_gradients` becomes
    `list(zip(tape.gradient(...), variables))` (every trainable variable so far, as TF1 pairs
    them), so clipping code between it and `apply_gradients` carries over. A fetched train op
    (None in TF1) is dropped from the results when it is unpacked into a `_` name, or kept as
    None in a fetched dict. Optimizers become the Keras optimizer that runs the same algorithm,
    with TF1's defaults made explicit (Adam's epsilon 1e-8); `tf.train.*_decay(...)` becomes the
    Keras schedule with the same value per step (staircase kept), when its global step starts at
    0 and only that optimizer's step advances it; a fetched decayed rate is the schedule at the
    step's value before the update; `tf.train.get_or_create_global_step()` becomes an int64
    variable; `tf.train.global_step(sess, step)` becomes `int(step.numpy())`. A script on
    `import tensorflow.compat.v1 as tf` with `tf.disable_v2_behavior()` imports TF2 instead.

    Metrics: `value, update_op = tf.metrics.accuracy(labels, predictions[, weights])` or
    `tf.metrics.mean(values[, weights])` becomes a Keras metric object named after `value`
    (`Accuracy()`, `Mean()`), created once where the call was; a run of `update_op` becomes
    `metric.update_state(...)` in the run's function, which returns `metric.result()` (the updated
    value, as in TF1); a fetched `value` becomes `metric.result()`; a run of
    `tf.local_variables_initializer()` (or `tf.variables_initializer(tf.local_variables())`)
    after use or in a loop becomes `reset_state()` of each metric built before it. TF1's
    accuracy casts the predictions to the labels' dtype and Keras the labels to the predictions'
    one: unless both are known to share a dtype, the predictions are cast to `labels.dtype`.
    Other `tf.metrics.*`, metric values read by other graph ops, and a value fetched with its own
    update op (TF1 leaves the order open) are refused.

    Control flow: `tf.cond`, `tf.while_loop` and `tf.gradients` in graph statements carry over;
    such a statement runs inside a `tf.function`, where TF2's versions build the graph TF1
    built. TF1's results are kept: `[0]` after a `tf.while_loop` whose loop variables are one
    tensor (TF1 returns the tensor, TF2 a one-element list) and after a `tf.cond` whose branches
    return one-element lists or tuples (TF1 unpacks them, twice at most); `fn1`/`fn2` become
    `true_fn`/`false_fn`; positional arguments past those both versions share become keywords
    (TF1's `while_loop` takes `name` before `maximum_iterations`), or go when they say the
    default; `strict`, `return_same_structure` and `colocate_gradients_with_ops` go. A function
    of the script used as a branch or body that reads placeholders or values computed per run
    moves into the run function. Refused: `tf.gradients` with respect to a value of constants
    (TF2 computes it once, outside the function), branches whose structure cannot be read,
    loop variables not written out as a list or tuple, variable updates inside branches.

    tf.data: a dataset built from constants or numpy values (`Dataset.from_tensor_slices`,
    `from_tensors`, `range`, `zip`, then `batch`, `padded_batch`, `shuffle`, `repeat`, `map`,
    `filter`, `take`, `skip`, `prefetch`, `cache`, `concatenate`, `unbatch`) stays where it is. A
    one-shot iterator (`ds.make_one_shot_iterator()`, `tf.data.make_one_shot_iterator(ds)`)
    becomes `iter(ds)`, created once; `x = iterator.get_next()` moves into the run functions, so
    each run advances the iterator once and the last raises `tf.errors.OutOfRangeError`, as in
    TF1. An initializable iterator becomes `iterator = iter(ds)` at each
    `sess.run(iterator.initializer)`, and the run functions take it as an argument (a
    tf.function keeps reading the iterator it captured first); a seeded reshuffling dataset is
    built anew there (TF1 restarts its order at each initialization, a second `iter()` of one
    Dataset continues it). Refused: datasets fed through placeholders, two iterators drawing
    from one reshuffling dataset, two elements of one iterator in one run, other sources and
    methods.

    The program is the module's top level or, when the top level builds no graph and runs no
    session, the body of the one function (or `if __name__ == "__main__":` block) that does
    (`def main():` building the graph and running the session); the run functions are then
    nested in it, closing over its variables.

    A graph builder (a function of the script that creates variables, placeholders or training
    ops) called exactly once at the top of the program is written out at its call first:
    parameters bound to the arguments, returned names renamed to the call's targets (a returned
    dict read only as `model["key"]` becomes names), the function removed. So is a class whose
    only method is an `__init__` that builds the graph into `self.x` attributes, instantiated
    once and read only as `model.x`: `self.x` and `model.x` become the name `x` (or `model_x`
    where `x` is taken). Not done when any of its names could meet another name of the script;
    the class statement is then reported as building graph ops.

    `with tf.name_scope(...)`, `tf.device(...)` (said in the finding: TF2 places ops itself)
    and `tf.control_dependencies([...])` blocks are dedented; the control inputs become
    dependencies of the statements inside, which the run function computes after them in
    program order (tf.function keeps the order of stateful ops). `tf.group(...)` and
    `tf.no_op()` give None in TF1 and disappear. `w = sess.run(w)` run once fetches the graph
    value; the name is a Python value after it.

    Supported: `with tf.Session() as s:`, `s = tf.Session()` ... `s.close()`,
    `tf.InteractiveSession()`, `tf.Graph().as_default()` (one graph, optionally named and passed
    as `Session(graph=g)`); `s.run` with one fetch, a list, tuple, dict or nested structure;
    `t.eval(feed_dict=..., session=s)`; `init.run()`; feed_dict as a dict literal or a name bound
    to one; `tf.Variable`, `tf.assign*` and `v.assign*`; graph helpers of the script that create
    no variables.

    When the script is beyond what the analysis proves, nothing is rewritten and the finding says
    what blocked it, with its line: the session passed to or used in a function (or sessions
    in several functions, or a graph built at the top level and run in a function), graph values
    used as Python values (`print(t)`, `t.shape`), ops built in loops, blocks, classes or
    functions that run sessions, fetches given as strings or names it cannot resolve, feeds of
    tensors that are not placeholders, two graphs, a second session after variables, initializers
    run after use, `==`/`!=` on tensors, Python values the graph read being rebound later,
    non-TensorFlow calls (Keras layer objects, `np.random`) that would run on every call, and
    TF1 constructs other rules own (`tf.get_variable`, layers, summaries, queues).

    ## Why is this bad?
    TensorFlow 2 has no sessions, placeholders or initializers: `tf.compat.v1.Session` and
    `tf.compat.v1.placeholder` fail under eager execution. TF1 evaluates the fetched subgraph on
    every `sess.run`, so statements that update variables or read placeholders run once per call:
    they must move into the function of the run site, not run where they were defined.

    ## Example
    ```python
    x = tf.placeholder(tf.float32, [None, 2])
    w = tf.Variable([[1.0], [2.0]])
    y = tf.matmul(x, w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, feed_dict={x: [[1.0, 1.0]]})
    ```

    ## Use instead
    ```python
    w = tf.Variable([[1.0], [2.0]])

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def compute_y(x):
        y = tf.matmul(x, w)
        return y

    out = compute_y([[1.0, 1.0]]).numpy()
    ```

    ## Fix safety
    Safe when the analysis proves the same computation: every run computes the same ops on the
    same values in the same order (float32 results may differ in rounding, since graph and eager
    kernels may fuse or order operations differently). Feeds are converted to the placeholder's
    dtype by the input signature, as `feed_dict` did. Unsafe when the numbers depend on something
    unchecked: random ops in a run or in a variable's initial value (TF1 and TF2 draw different
    numbers even with the same seed), or a run that updates a variable and reads it elsewhere
    (TF1 leaves that order open; the function follows program order). Dataset pipelines are
    unsafe when they shuffle without a seed, draw random numbers in `map`/`filter` functions, or
    `repeat` right after a reshuffling `shuffle` (TF 1.15 fuses the two into one op that orders
    the elements differently); a seeded `shuffle` followed by `batch`/`map` and `repeat` gives
    TF1's order.

    Optimizers (each mapping measured on TF 1.15 and TF 2.21 by
    `scripts/check_optimizer_table.py`): GradientDescent → SGD, Momentum → SGD(momentum,
    nesterov) with a constant rate, Adagrad → Adagrad with `epsilon=0.0`, Ftrl → Ftrl, Adadelta
    → Adadelta, ProximalGradientDescent / ProximalAdagrad without regularization → SGD /
    Adagrad: safe (within ~1e-6). Adam → Adam: safe, with a stated float32 difference (TF1 keeps
    beta^t as a running float32 product and computes 1-beta in float32; Keras uses pow(beta, t)
    in float64: up to ~1e-5 absolute over 150 steps, so Adam fixtures compare with atol 1e-5).
    Unsafe, with the reason in the finding: RMSProp (TF1 starts its
    mean-square slot at 1.0 and adds epsilon inside the square root, Keras starts at 0 and adds it
    outside: no setting makes them equal) and Momentum with a decayed rate (TF1 multiplies the raw
    accumulator by the current rate, Keras accumulates -rate * gradient). An optimizer the table
    does not map is refused with its reason.
    """

    code = "TFM150"
    name = "session-program"
    message = "This session program can be rewritten as TF2 functions"
    fix_title = "Rewrite the graph and session as TF2 functions"
    applicability = Applicability.SAFE
    examples = (
        Valid("import tensorflow as tf\nx = tf.constant(1.0)\ny = x + 1\n"),
        Valid("import numpy as np\nz = np.zeros(3)\n"),
        Invalid(_BEFORE, fixed=_AFTER),
        Invalid(_LOOP_BEFORE, fixed=_LOOP_AFTER),
        Invalid(_FROM_BEFORE, fixed=_FROM_AFTER),
        Invalid(_WHILE_BEFORE, fixed=_WHILE_AFTER),
        Invalid(_ITERATOR_BEFORE, fixed=_ITERATOR_AFTER),
        Invalid(
            "import tensorflow as tf\n\nx = tf.placeholder(tf.float32)\n"
            "def evaluate(sess, value):\n    return sess.run(x * 2, {x: value})\n"
            "with tf.Session() as sess:\n    out = evaluate(sess, 3.0)\n"
        ),
        # An unsafe rewrite: no Keras setting runs TF1's RMSProp.
        Invalid(_RMSPROP_BEFORE, fixed=_RMSPROP_AFTER),
    )

    _tf1_evidence = False
    _session_seen = False

    def start(self, node: cst.CSTNode) -> Position:
        position = self.position(node)
        return (position.start.line, position.start.column)

    def end(self, node: cst.CSTNode) -> Position:
        position = self.position(node)
        return (position.end.line, position.end.column)

    def visit_Name(self, node: cst.Name) -> None:
        self._note_evidence(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._note_evidence(node)

    def _note_evidence(self, node: cst.Name | cst.Attribute) -> None:
        if is_evidence(node, self):
            self._tf1_evidence = True
            self._session_seen = self._session_seen or self.tf_name(node) in SESSIONS

    def leave_Module(self, original_node: cst.Module) -> None:
        # Analysed after the shared traversal has looked for sessions and placeholders: most
        # modules have none and cost nothing more.
        node = original_node
        if not self._tf1_evidence:
            return
        compat = compat_v1_import(node)
        alias = tf_alias(node) or (compat[1] if compat else "tf")
        keras = "keras" if self.options.keras_namespace == "keras" else f"{alias}.keras"
        program = _program(node, self, keras)
        if not program.tf1_program:
            return
        if not program.sites and not self._session_seen:
            # No session here (a graph built for use elsewhere): there is no program to
            # rewrite, and each idiom already has its own finding.
            return
        message = self.message
        context: Context = self
        module = node
        if program.blockers and not self._names.uses_scope_analysis:
            # Graph builders called once become part of the program, written out at the call.
            inlined = inline_builders(node, program.scope, self.tf_name)
            if inlined is not None:
                candidate = _FreshContext(inlined[0], self._names)
                attempt = _program(inlined[0], candidate, keras)
                if not attempt.blockers and attempt.sites:
                    module, program, context = inlined[0], attempt, candidate
                    names = ", ".join(f"`{name}`" for name in inlined[1])
                    message = f"{message}, with the graph builder {names} written out at its call"
        if program.blockers:
            first = program.blockers[0][0]
            reasons = "; ".join(r for _, r in program.blockers)
            self.report(first, f"The session program is not rewritten: {reasons}")
            return
        if not any(not site.initializer for site in program.sites):
            return
        if program.notes:
            message = f"{message} ({'; '.join(program.notes)})"
        # Built only if the fix is applied: the rewrite costs as much as the analysis.
        replacement = DeferredReplacement(lambda: rewrite_module(module, program, context))
        unused = _tensorflow_from_imports(node)
        imports = (NeededImport("keras"),) if keras == "keras" and _uses_keras(program) else ()
        if program.unsafe:
            reasons = "; ".join(dict.fromkeys(program.unsafe))
            self.report(
                node,
                f"{message} (unsafe: {reasons})",
                replacement=replacement,
                applicability=Applicability.UNSAFE,
                remove_imports=unused,
                add_imports=imports,
            )
            return
        self.report(node, message, replacement=replacement, remove_imports=unused,
                    add_imports=imports)
