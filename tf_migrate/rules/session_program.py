"""TFM150: a TF1 session script, rewritten as TF2 functions as a whole. The analysis and the
rewrite are tf_migrate/programs/ (its README.md is the design); this module reports."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.tf_symbols import SESSIONS
from tf_migrate.model import Applicability
from tf_migrate.programs.analyze.evidence import is_evidence
from tf_migrate.programs.model import Position
from tf_migrate.programs.session_program import Refusal, session_program
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
    Rewrites a TF1 script that builds a graph and runs it in a session as TF2 code, as a whole:

    - Variables are created once, where they were; initializer runs disappear; the body of the
      Session block stays in place, dedented. Values computed only from constants are computed
      once, where they were defined.
    - Each distinct `sess.run(...)` / `t.eval(...)` becomes a call of a function that computes
      what it fetched, from the placeholders it needs as parameters: a `@tf.function` with the
      placeholders' dtypes and shapes as `input_signature`, or without one when it takes no
      placeholder but is called repeatedly or uses control flow, a plain function otherwise.
      Results stay numpy (`.numpy()`, `tf.nest.map_structure`). `placeholder_with_default`
      becomes a parameter with a default.
    - A run without a feed whose fetch builds new ops in the call itself, from Python values
      (also a loop's), constants and variables only (`sess.run(tf.nn.relu([-3., 3.]))`,
      `sess.run(polynomial(num))` with a function of the script that builds ops and creates no
      variables), is evaluated eagerly where it is: `polynomial(num).numpy()`. TF1 built those
      ops at that run and ran them once; an update in it runs once (unsafe when the fetch also
      reads that variable: TF1 leaves the order open), and a random op draws from the same
      distribution (said in the finding). New ops over placeholders or values
      computed per run go into the run function; refused at its line: such a run's fetch
      reading a Python value that changes between runs (`num` of a loop: a traced function
      would keep its first value), and a function the fetch calls, directly or through
      another, that creates or updates variables or reads per-run values.
    - `tf.sparse_placeholder(dtype, shape)` becomes a parameter whose spec is
      `tf.SparseTensorSpec(shape, dtype)` (`None` without a shape: an unknown rank, as in TF1);
      the value fed to it, a `tf.SparseTensorValue(indices, values, dense_shape)` or such a
      tuple, becomes `tf.sparse.SparseTensor(indices, values, dense_shape)` at the call (a name
      bound to a tuple: `tf.sparse.SparseTensor(*name)`). A `tf.SparseTensorValue` bound to a
      name, returned by a function of the script, in a list bound to a name (read as
      `name[i]`, by `for` loops and comprehensions over it, `len(name)`) or held by a feed dict
      bound to a name becomes the tuple `(indices, values, dense_shape)` (TF1 fed a sparse
      placeholder either alike), when every use of it is such a feed. A `tf.SparseTensor` of
      constants is computed once, where it was defined.
    - A run that feeds a value the graph computes (`sess.run(y, {h: value})`: TF1's feed_dict
      replaces any tensor) gets its own function, `compute_y_from_h(h)`, without what computes
      `h`; its input signature has `h`'s dtype, and its shape when the analysis can tell it.
    - `with tf.name_scope(...)`, `tf.device(...)` (said in the finding: TF2 places ops itself)
      and `tf.control_dependencies([...])` blocks are dedented; the statements inside a control
      dependency block run after its control inputs. `tf.group(...)` and `tf.no_op()` (None in
      TF1) disappear. `w = sess.run(w)` run once fetches the graph value; `w` is a Python value
      after it.
    - A script on `import tensorflow.compat.v1 as tf` with `tf.disable_v2_behavior()` imports TF2
      instead, and an `if tf.__version__...:` prelude that only switches TF1 mode on (those
      calls, imports of TensorFlow) goes; `from tensorflow import placeholder, Session`-style
      imports the rewrite leaves unused are removed.

    The script is the module's top level or, when that builds no graph and runs no session, the
    body of the one function (or `if __name__ == "__main__":` block) that does; the new
    functions are then nested in it. A function of the script that builds graph state
    (variables, placeholders, training ops) and is called exactly once at the top is first
    written out at its call (the finding names it); so is a class whose only method, `__init__`,
    builds the graph into `self.x` attributes, instantiated once and read only as `model.x`
    (`self.x` and `model.x` become `x`, or `model_x` where `x` is taken). Not when one of its
    names could meet another name of the script: the class is then reported as building graph
    ops.

    Model classes: a class whose `__init__` builds the graph (directly, or through methods it
    calls as statements, `self._build_net()`, written out in it) into `self.x` attributes and
    locals, keeps a session given to the constructor (`self.sess = sess`) or created there
    (`self.sess = tf.Session()`), and whose other methods run the graph with
    `self.sess.run(...)` (or `t.eval(session=self.sess)`) becomes a `tf.Module`, with separate
    variables per instance: `__init__` creates the variables and Keras optimizers as
    attributes (a local the run methods read becomes one too), each run becomes a method (a
    `tf.function`, made in `__init__` when its input signature reads the constructor's
    values), the methods call them, `self.sess.close()` goes, and methods the graph-building
    code calls stay. Outside the class, the session goes from every instantiation, and the
    script's sessions, their initializer runs and `close()` go (`with tf.Session() as s:` is
    dedented). Refused, with the line: a class that is not plain (bases, decorators,
    class-level statements), `self.sess` used other than to run the graph, an attribute set
    outside `__init__` or named like a `tf.Module` member (`self.name`), `self` used as a value,
    a method that builds ops outside what it runs or reads a graph value without running it,
    graph attributes read outside the class (`model.cost`), the session used otherwise, an
    initializer run twice or in a loop, and an initializer run in `__init__` in a session
    given to a class instantiated more than once (TF1 resets the other instances then).

    Supported: `with tf.Session() as s:`, `s = tf.Session()` ... `s.close()`,
    `tf.InteractiveSession()`, `tf.Graph().as_default()` (one graph, optionally named and passed
    as `Session(graph=g)`); a session made the default, `with s.as_default():` or `with
    tf.Session().as_default() as s:`, dedented as a session block, its `.eval()` and `op.run()`
    running in that session (outside it they have none and are refused), and one `with` entering
    several of these (`with tf.Graph().as_default(), tf.Session() as s:`, with `tf.device(...)`
    or `tf.name_scope(...)` among them dropped as their own blocks are; mixed with other contexts
    it is refused: write nested blocks); `s.run` with one fetch, a list, tuple, dict or
    nested structure; `t.eval(feed_dict=..., session=s)`; `init.run()` and `op.run(feed_dict)`;
    feed_dict as a dict literal or a name bound to one, whose values the script may change between
    runs (`feed[rate] = 0.5`, `feed.update({rate: 0.5})`: its keys become the placeholders' names
    as strings and each run passes what the dict holds then); `tf.Variable`, `tf.assign*` and
    `v.assign*`; variable
    factories (`def weight_variable(shape): initial = tf.truncated_normal(shape, stddev=0.1);
    return tf.Variable(initial)`), called where they are; graph helpers of the script that create
    no variables; a graph value's shape and dtype (`x.get_shape().as_list()`), read at trace time
    as TF1 read them while building the graph. TensorFlow's private modules name the public TF1
    symbols they define (`from tensorflow.python.framework import ops`,
    `ops.reset_default_graph()`).

    Layers and variables: `tf.layers`, `tf.contrib.layers` and `tf.contrib.slim` layer calls
    (`dense`/`fully_connected`, `conv1d`-`conv3d`, `conv2d_transpose`, max and average pooling,
    `flatten`, `dropout`; `tf.layers`' classes too: `shared = tf.layers.Dense(4)` becomes the
    Keras object, called wherever the program calls it, each call sharing its variables as in
    TF1) become Keras layer objects created once where the call was, named after the TF1 layer
    name when it is free (`conv1 = tf.keras.layers.Conv2D(32, 3, padding="same",
    activation=tf.nn.relu, name="conv1")`; one made for a name the program binds again and
    again, `net`, after its kind: `flatten`), and called by the run functions; training
    differentiates their kernels and biases. Layers called one after the other, each on the
    previous one's output alone, which nothing else reads, with one `training` between them,
    make a `tf.keras.Sequential` of the same objects, made after the last of them and called
    where the chain ended (`logits = model(images, training=True)`). TF1 defaults Keras does not
    share are written out (contrib's ReLU and SAME padding, its pooling stride of 2, dropout's
    rate as `1 - keep_prob` and its `training`), and a dropout whose `training` is a placeholder
    picks at run time with `tf.cond`. `tf.get_variable` outside a reusing scope (each call TF1
    ran made a new variable) becomes `tf.Variable` of the Keras initializer that draws as TF1's
    did (glorot_uniform by default; TF1's initializers, also those bound to names, map with
    their TF1 parameters written out, Keras's defaults differing); `tf.variable_scope` blocks
    that only name (no `reuse=`) are dropped, which the finding says. A `reset_graph()` helper
    that only resets the graph and seeds starts a new program where it is called, keeps its
    seeding and loses its reset. A function of the script that creates variables and is called
    by the program (several times, or once when its body is more than straight-line code: `def
    fc_layer(x, units, name): with tf.variable_scope(name): W = ...; return ...`) becomes a
    `tf.Module` class as TensorFlow's guide writes one that waits for its inputs: Python-valued
    parameters go to `__init__`, graph values to `__call__`, whose first call creates the
    variables (`if not self.is_built:`) from the inputs' shapes as TF1 did; each call site makes
    its own object where the call was (`fc1_layer = FcLayer(64, "FC1")`), the run functions call
    it, and training differentiates its `trainable_variables`; calls entering one scope with
    `reuse=tf.AUTO_REUSE` share one object. Batch normalization (`tf.layers` and contrib)
    becomes `tf.keras.layers.BatchNormalization` called with TF1's `training` (a placeholder
    picks with `tf.cond`); the UPDATE_OPS TF1 needed as control inputs of training go, a program
    that never ran them is refused (TF1 kept the initial moving statistics), and where TF1's
    fused kernel corrected the moving variance (4-D inputs, and contrib's default even on
    matrices) the fix is unsafe. Layers over float64 inputs compute in float64, as tf.layers
    did. Regularizers of layers and of `tf.get_variable` (contrib's l1/l2, Keras's, a TF op such
    as `tf.nn.l2_loss`) are written out as penalties on their variables where the program reads
    TF1's regularization losses (`tf.losses.get_regularization_loss()`, the
    REGULARIZATION_LOSSES collection), in the order TF1 collected them; unread, they cost
    nothing, as in TF1. slim's `arg_scope` blocks go, the arguments they gave (an inner scope's
    over an outer one's, the call's own over both) written out in each layer made inside them; a
    builder whose layers sit in `arg_scope` or `name_scope` blocks is written out with them.
    Constraints, collections, `reuse=` of a layer, normalizer functions and scopes reused
    otherwise are refused with the argument named.

    RNNs: a `BasicRNNCell`, `BasicLSTMCell`, `LSTMCell` or `GRUCell` (`tf.nn.rnn_cell`,
    `tf.contrib.rnn`), or a `MultiRNNCell` of them (a list, or a comprehension over
    `range(n)`), run by `dynamic_rnn` or `static_rnn` becomes one Keras recurrent layer made where
    the call was (`lstm = tf.keras.layers.LSTM(128, return_sequences=True, ...)`, or
    `tf.keras.layers.RNN([...cells])` for a stack) and called by the run functions; the cells and
    `cell.zero_state(...)` go. Both Keras kernels are drawn from TF1's Glorot range over the
    cell's one kernel [inputs + units, gates * units], named before the layer (`lstm_limit =
    (6 / (n_inputs + 5 * n_hidden)) ** 0.5`); TF1's forget bias of 1 is Keras's
    `unit_forget_bias`; a GRU computes with `reset_after=False` and its gates' biases start at 1.
    `sequence_length` becomes a mask, with the outputs past each length zeroed as TF1 did;
    `static_rnn`'s list of steps is stacked and its outputs unstacked; a time-major sequence is
    transposed in and out. `static_bidirectional_rnn` and `bidirectional_dynamic_rnn` over a
    forward and a backward cell alike become `tf.keras.layers.Bidirectional` of the cell's
    layer (outputs concatenated as TF1's static form did, kept apart as its dynamic form did),
    their final states unread. Reads of an LSTM's state (`state.h`, `state[0]`, `states[-1][1]`)
    are rewritten to Keras's [h, c] order; an unread state is not returned. Refused with the
    reason: wrappers (`DropoutWrapper` drew its masks per step), peepholes, projections and
    other cell options Keras lacks, initializers whose range depends on the kernel's shape, an
    initial state other than the zero state, one cell run by two RNNs (shared weights), a
    state read whole where Keras's structure differs, inputs whose depth is not written in the
    program. A `GRUCell` with TF1's default initializer is an unsafe fix: TF1 drew its
    candidate's kernel from a wider range than its gates'.

    Graph helpers the script imports from its own project (`from ops import dense, mse`, `import
    model` then `model.net(x)`, `from .layers import conv`) are read in their module — found as
    Python would find it for a script run from its folder, or by the package's relative imports —
    and never run. One that only builds ops from its arguments is called by the rewritten functions
    as the script's own helpers are (a random op in it is one of the program's random draws); a
    variable factory (`initial = tf.truncated_normal(shape, stddev=0.1)`, `return
    tf.Variable(initial)`) is called where it is and makes one of the program's variables; the
    helper module is migrated by its own findings. One that creates or updates variables, or calls
    what must not run on every step (`print`, a file read, a Keras layer object), refuses the
    program with a reason that names the helper, its file and line, and what to change there:
    ``ops.fc_layer(...)` calls `fc_layer` (ops.py:8), which creates variables with
    `tf.get_variable` (ops.py:9): ... make `fc_layer` a Keras layer or a `tf.Module` that creates
    its variables once``. A result of `check` depends on the imported modules too: the result
    cache keeps it under their contents.

    Prints of graph values while the graph is built (`print(z)`, `print("z:", z, z.shape)`,
    `.dtype`, `.name`, `get_shape()`, in f-strings too), where TF1 printed the symbolic tensor,
    go into the run function that computes what they read, right after it (the function becomes
    a `tf.function` if it was not one): it prints the symbolic tensor when it is traced, at its
    first call rather than at that place of the script, with TF2's op names and `None` for
    unknown dimensions, as the finding says. A print of values TF2 keeps where they are
    (constants, variables) stays and prints their values; a print of values no run computes
    goes; the finding says both. Such a print may format static shapes as tutorials do:
    `"length {}".format(x.shape.as_list()[0])`, `"shape: %s" % str(h.get_shape())`,
    `f"{z.shape.as_list()[1]:>4}"`, `str`/`repr`/`len` of them, subscripts of shapes,
    `.ndims`, `.rank`, tuples and lists, with literals and module constants beside them. TF1's
    `x.get_shape()[1]` is a `Dimension`: its `.value` goes (TF2's shapes hold the int), its
    `repr` (`Dimension(3)`, in a list or through `repr`) is said to differ, and a format spec on
    it stays refused (TF1 raises TypeError there). A print that reads only variables' shapes
    stays and prints the same; one of a placeholder's shape moves with it (no placeholder is
    left where it was) and reads the parameter, whose input signature has its shape. A print
    whose module constant the script binds again later is refused (the function reads it when
    traced); `print(z, file=f)` and other calls of graph values stay refused.

    Functions given the session (`def evaluate(sess, data): return sess.run(accuracy, {x:
    data})`, called as `evaluate(sess, test_x)`), or using the script's own, run the program's
    functions instead: their run sites become calls, and the session parameter goes from the
    definition and from every call. Followed when every use of the session there is a `.run(...)`
    receiver (or `session=`), the function builds no graph ops and the program calls it with a
    session in the same place each time.

    A function that opens its own session over the graph the module builds (`def main():` with
    `with tf.Session() as sess:` or `sess = tf.Session()` ... `sess.close()` in its body, called
    as `main()` under `if __name__ == "__main__":`) keeps its code: the module keeps the TF2
    program (variables, optimizers, the run functions), the session block is dedented, the
    session's creation, closing and initializer runs go, and each run is a call of its run
    function; functions it gives its session lose it as above. Followed when it is called once,
    not in a loop or another function (each call would start TF1 from freshly initialized
    variables), runs the initializer before any run, builds no graph ops and only runs its
    session. `tf.app.run()` calling `main` is not followed: the finding says to call `main()`.

    A script that builds and runs one graph after another, each after `tf.reset_default_graph()`
    (as tutorials show several examples in one file), is rewritten part by part: each part is a
    program of its own, and the rewritten parts follow one another as the TF1 ones did. In a
    notebook the cells keep what is left of them; the functions are defined in the cell that
    first runs them.

    Training: `opt.minimize(loss[, var_list, global_step])` becomes a `train_step` function that
    computes the loss under a `tf.GradientTape`, then `tape.gradient(loss, variables)`, the Keras
    optimizer's `apply_gradients` and `global_step.assign_add(1)`. A loss fetched with the train
    op is the loss before the update, as in TF1. The variables are those `minimize` would train:
    `var_list`, or the trainable variables the loss depends on. `compute_gradients` becomes
    `list(zip(tape.gradient(...), variables))` (every trainable variable so far, as TF1 pairs
    them), so clipping code before `apply_gradients` carries over. A fetched train op is dropped
    from the results when it is unpacked into a `_` name, or kept as None in a fetched dict, or
    in a list or tuple kept whole whose first or last fetches are ops (`[loss_value, None]`).
    Optimizers become the Keras optimizer that runs the same algorithm, with TF1's defaults made
    explicit (Adam's epsilon 1e-8). `tf.train.*_decay(...)` becomes the Keras schedule with the
    same value per step (staircase kept) when its global step starts at 0 and only that
    optimizer's step advances it; a fetched decayed rate is its value before the update.
    `tf.train.get_or_create_global_step()` becomes an int64 variable,
    `tf.train.global_step(sess, step)` becomes `int(step.numpy())`.

    Metrics: `value, update_op = tf.metrics.accuracy(labels, predictions[, weights])` or
    `tf.metrics.mean(values[, weights])` becomes a Keras metric object named after `value`
    (`Accuracy()`, `Mean()`), created once. Running `update_op` becomes `metric.update_state(...)`
    and returns `metric.result()` (the updated value, as in TF1); a fetched `value` becomes
    `metric.result()`; running `tf.local_variables_initializer()` (or
    `tf.variables_initializer(tf.local_variables())`) after use or in a loop becomes
    `reset_state()` of each metric built before it. TF1's accuracy casts the predictions to the
    labels' dtype, Keras the labels to the predictions' one: unless both are known to share a
    dtype, the predictions are cast to `labels.dtype`.

    Control flow: `tf.cond`, `tf.while_loop` and `tf.gradients` carry over inside a
    `tf.function`, keeping TF1's results: `[0]` after a `tf.while_loop` of one loop variable
    (TF1 returns the tensor, TF2 a one-element list) and after a `tf.cond` whose branches return
    one-element lists or tuples (TF1 unpacks them, twice at most); `fn1`/`fn2` become
    `true_fn`/`false_fn`; positional arguments past those both versions share become keywords
    (TF1's `while_loop` takes `name` before `maximum_iterations`), or go when they say the
    default; `strict`, `return_same_structure` and `colocate_gradients_with_ops` go. A function of
    the script used as a branch or body that reads placeholders or per-run values moves into the
    run's function.

    tf.data: a dataset built from constants or numpy values (`Dataset.from_tensor_slices`,
    `from_tensors`, `range`, `zip`, then `batch`, `padded_batch`, `shuffle`, `repeat`, `map`,
    `filter`, `take`, `skip`, `prefetch`, `cache`, `concatenate`, `unbatch`) stays where it is.
    A one-shot iterator (`ds.make_one_shot_iterator()`, `tf.data.make_one_shot_iterator(ds)`)
    becomes `iter(ds)`, created once; each run that reads `iterator.get_next()` advances it once,
    and the last raises `tf.errors.OutOfRangeError`, as in TF1. An initializable iterator becomes
    `iterator = iter(ds)` at each `sess.run(iterator.initializer)`, passed to the functions that
    read it; a seeded reshuffling dataset is built anew there (TF1 restarts its order at each
    initialization).

    `tf.trainable_variables()` in a graph statement becomes the list of the trainable variables
    created before it, as the program reaches them (`[w, weights["h1"]]`), so that a penalty
    over every weight reads the same variables.

    Session options: a session opened with `config=` a `tf.ConfigProto(...)` (inline, or a name
    bound once to one, with attribute assignments such as `config.gpu_options.allow_growth =
    True` and a `tf.GPUOptions(...)` as `gpu_options=`) loses the config; its options become the
    `tf.config` calls that set them, where the config was built, or before the first TF op when
    ops run earlier (TF2 fixes thread pools and devices at its first op; the values must then be
    literals): `allow_soft_placement` (`tf.config.set_soft_device_placement`),
    `log_device_placement` (`tf.debugging.set_log_device_placement`),
    `intra_op_parallelism_threads` and `inter_op_parallelism_threads` (`tf.config.threading`),
    `gpu_options.allow_growth` (`tf.config.experimental.set_memory_growth` for each GPU) and
    `device_count={'GPU': 0}` (`tf.config.set_visible_devices([], "GPU")`). Any other option
    (`per_process_gpu_memory_fraction`, which TF2 sets as a memory limit in MB with
    `tf.config.set_logical_device_configuration`, `graph_options`, another device count), a
    config built elsewhere or read by other code, `target=` and traced runs (`sess.run(...,
    options=..., run_metadata=...)`: profile with `tf.profiler.experimental.start`/`stop`) are
    refused with the option and its line.

    A second session over the graph (`with tf.Session() as sess:` again, or `sess =
    tf.Session()` ... `sess.close()` twice) starts in TF1 from uninitialized variables: when the
    first thing it runs is the variables initializer (`tf.global_variables_initializer()`,
    `tf.initialize_all_variables()` or an init op bound to a name), a function
    `reset_variables()` assigns each variable its initial value again (`w.assign(1.0)`; a random
    one draws again from its distribution, and the finding says so) and sets the SGD or Adam
    optimizer's variables but its learning rate back to zero (TF1's new session starts the slots
    and the step count anew; the tf.functions keep the optimizer they captured, so it is reset,
    not replaced), called where that initializer ran. The metrics are reset by the
    local-variables initializer the session runs too.

    Refused, with the reason and its line in the finding (nothing is rewritten): the session
    used as a value other than above (stored, passed on, a session opened in a function that
    builds ops while the graph is built at the top level or that is called again, sessions in
    several functions); graph values used as
    Python values (`if t:`, `float(t)`, a print that reads values no one run computes
    together, `print(t, file=f)`); ops built in an `if`, `for` or `while` of the program (once,
    at the statement, with what to change: the branches of an `if` built in a function of the
    script, which takes the graph values they read and returns what they compute, are rewritten,
    its `if` still picking the branch when the run functions are traced; an op built in a loop
    that runs it is built once before the loop), in other blocks, in classes or in functions
    that run sessions; fetches given
    as strings or names that cannot be resolved; feeds of variables (TF1 reads the fed value in
    that run only), of values computed once, of operations, of computed values whose dtype the
    analysis cannot tell (a `tf.cast` says it) or in a run that trains; two graphs; a second
    session after variables; initializers run after use; `==`/`!=` on tensors;
    Python values the graph read being rebound later; non-TensorFlow calls (Keras layer objects,
    `np.random`) that would run on every call; TF1 constructs other rules own
    as strings or names that cannot be resolved; feeds of tensors that are not placeholders; two
    graphs; a second session that uses the graph before running the variables initializer
    (TF1 raises FailedPreconditionError), or whose reset is not followed (initial values made by
    the script's functions, optimizers other than SGD and Adam, `tf.metrics` left uninitialized,
    tf.data iterators, which a new session restarts); other initializers run after use;
    `==`/`!=` on tensors; Python values the graph read being rebound later; non-TensorFlow calls
    (Keras layer objects, `np.random`) that would run on every call; TF1 constructs other rules own
    (`tf.get_variable`, layers, summaries, queues). Also: `tf.metrics` other than `accuracy` and
    `mean`, metric values read by other graph ops, a value fetched with its own update op (TF1
    leaves the order open); `tf.gradients` with respect to a value of constants, branches whose
    structure cannot be read, loop variables not written out as a list or tuple, variable updates
    inside branches; datasets fed through placeholders, two iterators drawing from one
    reshuffling dataset, two elements of one iterator in one run, other dataset sources and
    methods; an optimizer or decay the table does not map; a `tf.SparseTensorValue` used otherwise
    than fed to a sparse placeholder (its `.indices`, printed, passed to other code: TF2 has
    none), a fetch of a fed sparse placeholder itself.

    ## Why is this bad?
    TensorFlow 2 has no sessions, placeholders or initializers: `tf.compat.v1.Session` and
    `tf.compat.v1.placeholder` fail under eager execution. TF1 evaluates the fetched subgraph on
    every `sess.run`, so statements that update variables or read placeholders run once per call:
    they must move into the function of the run, not run where they were defined.

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
    dtype by the input signature, as `feed_dict` did (a sparse value's `values` are not: they
    must have the placeholder's dtype, or the call raises a TypeError). Random ops (in a run, in
    a variable's initial value, an unseeded `shuffle`, random ops in `map`/`filter` functions)
    stay the ops that draw from the same distributions, with their op seeds: the same
    computation, and a safe
    fix whose finding says that TF2 draws other numbers than TF1 (even with the same seed) and
    that `tf-migrate verify` aligns model variables to prove the rest. Unsafe when the arithmetic
    can differ: a run that updates a variable and reads it elsewhere (TF1 leaves that order open;
    the function follows program order), or a dataset that `repeat`s right after a reshuffling
    `shuffle` (TF 1.15 fuses the two into one op that orders the elements differently); a seeded
    `shuffle` followed by `batch`/`map` and `repeat` gives TF1's order.

    Optimizers (each mapping measured on TF 1.15 and TF 2.21 by
    `scripts/check_optimizer_table.py`): GradientDescent → SGD, Momentum → SGD(momentum,
    nesterov) with a constant rate, Adagrad → Adagrad with `epsilon=0.0`, Ftrl → Ftrl, Adadelta
    → Adadelta, ProximalGradientDescent / ProximalAdagrad without regularization → SGD /
    Adagrad: safe (within ~1e-6). Adam → Adam: safe, with a stated float32 difference (TF1 keeps
    beta^t as a running float32 product and computes 1-beta in float32; Keras uses pow(beta, t)
    in float64: up to ~1e-5 absolute over 150 steps). Unsafe, with the reason in the finding:
    RMSProp (TF1 starts its mean-square slot at 1.0 and adds epsilon inside the square root,
    Keras starts at 0 and adds it outside: no setting makes them equal) and Momentum with a
    decayed rate (TF1 multiplies the raw accumulator by the current rate, Keras accumulates
    -rate * gradient). An optimizer the table does not map is refused with its reason.
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
        # A function given the session runs the program's functions instead.
        Invalid(
            "import tensorflow as tf\n\nx = tf.placeholder(tf.float32)\n\n\n"
            "def evaluate(sess, value):\n    return sess.run(x * 2, {x: value})\n\n\n"
            "with tf.Session() as sess:\n    out = evaluate(sess, 3.0)\n",
            fixed="import tensorflow as tf\n\n\ndef evaluate(value):\n"
            "    return compute_value(value).numpy()\n\n\n"
            "@tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])\n"
            "def compute_value(x):\n    return x * 2\n\n\nout = evaluate(3.0)\n",
        ),
        # Refused, with the reason: the session is kept as a value.
        Invalid(
            "import tensorflow as tf\n\nx = tf.placeholder(tf.float32)\n"
            "with tf.Session() as sess:\n    sessions = [sess]\n"
            "    out = sess.run(x * 2, {x: 3.0})\n"
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
        if not self._tf1_evidence:
            return
        standalone_keras = self.options.keras_namespace == "keras"
        outcome = session_program(original_node, self, self._names,
                                  standalone_keras=standalone_keras,
                                  session_seen=self._session_seen,
                                  project=self.facts.project)
        if isinstance(outcome, Refusal):
            reasons = "; ".join(reason for _, reason in outcome.blockers)
            self.report(outcome.blockers[0][0], f"The session program is not rewritten: {reasons}")
            return
        if outcome is None:
            return
        message = self.message
        if outcome.written_out:
            names = ", ".join(f"`{name}`" for name in outcome.written_out)
            message = f"{message}, with the graph builder {names} written out at its call"
        if outcome.model_class is not None:
            message = f"{message}, with the model class `{outcome.model_class}` as a `tf.Module`"
        if outcome.notes:
            message = f"{message} ({'; '.join(outcome.notes)})"
        # Built only if the fix is applied: the rewrite costs as much as the analysis.
        replacement = DeferredReplacement(outcome.build)
        unused = tuple(UnusedImport(name.module, name.name, name.asname)
                       for name in outcome.tensorflow_imports)
        imports = (NeededImport("keras"),) if standalone_keras and outcome.uses_keras else ()
        if outcome.unsafe:
            self.report(
                original_node,
                f"{message} (unsafe: {'; '.join(outcome.unsafe)})",
                replacement=replacement,
                applicability=Applicability.UNSAFE,
                remove_imports=unused,
                add_imports=imports,
            )
            return
        self.report(original_node, message, replacement=replacement, remove_imports=unused,
                    add_imports=imports)
