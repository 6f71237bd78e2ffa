"""TFM101-TFM105: graph-mode idioms (placeholders, sessions, session runs, initializers)."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.tensor_names import TENSOR_LIKE, ValueKind
from tf_migrate.cst.dotted import dotted_name
from tf_migrate.rules.support.rule import Invalid, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding
from tf_migrate.rules.support.tracking import TracksBindings

_FUNCTION_ARGUMENT = "make the values computed from it a function with a parameter in its place"
_NO_SESSION = (
    "TF2 runs operations eagerly: drop the session and call the computation directly (a Python "
    "function, under `@tf.function` where it helps)"
)
_LOOP = (
    "write the training loop in Python (`for batch in dataset: train_step(batch)`), checkpoint "
    "with `tf.train.CheckpointManager`, write summaries with `tf.summary.create_file_writer`; "
    "hooks become code in the loop (or use Keras `model.fit` with callbacks)"
)
_CREATED_INITIALIZED = "TF2 variables are initialized when they are created: delete it and its run"


class Placeholder(SymbolFinding):
    """## What it does
    Reports `tf.placeholder`, `tf.placeholder_with_default` and `tf.sparse_placeholder`.

    ## Why is this bad?
    TensorFlow 2 executes eagerly: there is no graph to feed, and `tf.compat.v1.placeholder`
    raises under eager execution. A placeholder becomes a parameter of the function that computes
    the values fetched from it.

    ## Example
    ```python
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.reduce_sum(x, axis=1)
    out = sess.run(y, feed_dict={x: batch})
    ```

    ## Use instead
    ```python
    def compute_y(x):
        return tf.reduce_sum(x, axis=1)

    out = compute_y(batch).numpy()
    ```

    ## Fix safety
    Manual: the rewrite needs the whole program (the run sites that feed the placeholder).
    """

    code = "TFM101"
    name = "placeholder"
    message = "`{name}` has no TF2 form: {advice}"
    symbols = {
        "tf.placeholder": _FUNCTION_ARGUMENT,
        "tf.placeholder_with_default": _FUNCTION_ARGUMENT + " (with the default value)",
        "tf.sparse_placeholder": _FUNCTION_ARGUMENT + " (taking a `tf.SparseTensor`)",
    }
    examples = (
        Valid("import tensorflow as tf\nx = tf.constant([1.0])\n"),
        Valid("placeholder = object()\nx = placeholder(1)\n"),
        Invalid("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 3])\n"),
        Invalid("import tensorflow.compat.v1 as tf\nx = tf.placeholder(tf.float32)\n"),
        Invalid("from tensorflow import placeholder\nx = placeholder('float')\n"),
    )


class Session(SymbolFinding):
    """## What it does
    Reports `tf.Session`, `tf.InteractiveSession`, `tf.get_default_session` and the protocol
    buffers that configure a session (`tf.ConfigProto`, `tf.GPUOptions`, `tf.RunOptions`, ...).

    ## Why is this bad?
    TensorFlow 2 has no sessions: operations run when they are called. Session configuration
    moved to `tf.config`.

    ## Example
    ```python
    config = tf.ConfigProto(intra_op_parallelism_threads=2)
    with tf.Session(config=config) as sess:
        print(sess.run(y))
    ```

    ## Use instead
    ```python
    tf.config.threading.set_intra_op_parallelism_threads(2)
    print(compute_y().numpy())
    ```

    ## Fix safety
    Manual: removing the session means turning its run sites into function calls.
    """

    code = "TFM102"
    name = "session"
    message = "`{name}` is a TF1 session: {advice}"
    symbols = {
        "tf.Session": _NO_SESSION,
        "tf.InteractiveSession": _NO_SESSION + "; tensors have values at once (`t.numpy()`)",
        "tf.get_default_session": "TF2 has no default session: " + _NO_SESSION,
        "tf.keras.backend.get_session": "Keras in TF2 has no session: " + _NO_SESSION,
        "tf.keras.backend.set_session": "Keras in TF2 has no session: delete the call",
        "tf.get_session_handle": "keep the value in a Python variable: " + _NO_SESSION,
        "tf.get_session_tensor": "keep the value in a Python variable: " + _NO_SESSION,
        "tf.delete_session_tensor": "keep the value in a Python variable: " + _NO_SESSION,
        "tf.ConfigProto": (
            "session options become `tf.config` calls (`tf.config.threading`, "
            "`tf.config.set_soft_device_placement`, `tf.config.experimental.set_memory_growth`)"
        ),
        "tf.GPUOptions": (
            "use `tf.config.experimental.set_memory_growth(gpu, True)` or "
            "`tf.config.set_logical_device_configuration` with a memory limit"
        ),
        "tf.GraphOptions": "use `tf.config.optimizer.set_jit` / `set_experimental_options`",
        "tf.OptimizerOptions": "use `tf.config.optimizer.set_jit` / `set_experimental_options`",
        "tf.RunOptions": "profile with `tf.profiler.experimental.start`/`stop` instead",
        "tf.RunMetadata": "profile with `tf.profiler.experimental.start`/`stop` instead",
    }
    examples = (
        Valid("import tensorflow as tf\ny = tf.constant(1.0) * 2\n"),
        Valid("class Session:\n    pass\n\ns = Session()\n"),
        Invalid("import tensorflow as tf\nwith tf.Session() as sess:\n    pass\n"),
        Invalid("import tensorflow\nsess = tensorflow.InteractiveSession()\n"),
        Invalid("from tensorflow import Session\nsess = Session()\n"),
    )


class MonitoredSession(SymbolFinding):
    """## What it does
    Reports `tf.train.MonitoredTrainingSession`, `MonitoredSession`, `SingularMonitoredSession`,
    `tf.train.Supervisor`, `Scaffold` and the session creators.

    ## Why is this bad?
    These wrap a TF1 session with initialization, checkpointing, summaries and hooks. TF2 has no
    session to wrap; each duty becomes explicit code in a Python training loop.

    ## Example
    ```python
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt) as sess:
        while not sess.should_stop():
            sess.run(train_op)
    ```

    ## Use instead
    ```python
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=model), ckpt, max_to_keep=5)
    for batch in dataset:
        train_step(batch)
    manager.save()
    ```

    ## Fix safety
    Manual: the hooks and the checkpoint schedule must be rewritten by hand.
    """

    code = "TFM103"
    name = "monitored-session"
    message = "`{name}` manages a TF1 session: {advice}"
    symbols = {
        "tf.train.MonitoredTrainingSession": _LOOP,
        "tf.train.MonitoredSession": _LOOP,
        "tf.train.SingularMonitoredSession": _LOOP,
        "tf.train.Supervisor": _LOOP,
        "tf.train.SessionManager": _LOOP,
        "tf.train.ChiefSessionCreator": "TF2 has no sessions: " + _LOOP,
        "tf.train.WorkerSessionCreator": "TF2 has no sessions: " + _LOOP,
        "tf.train.SessionCreator": "TF2 has no sessions: " + _LOOP,
        "tf.train.Scaffold": (
            "variables initialize when created; restore with `tf.train.Checkpoint(...).restore`"
        ),
    }
    examples = (
        Valid("import tensorflow as tf\nmanager = tf.train.CheckpointManager(ckpt, 'd', 3)\n"),
        Invalid(
            "import tensorflow as tf\nwith tf.train.MonitoredTrainingSession() as s:\n    pass\n"
        ),
        Invalid("from tensorflow.train import MonitoredSession\ns = MonitoredSession()\n"),
    )


_SESSION_NAMES = frozenset(
    {
        "sess",
        "session",
        "_sess",
        "_session",
        "mon_sess",
        "monitored_sess",
        "sv_sess",
        "tf_sess",
        "tf_session",
        "train_sess",
        "eval_sess",
    }
)
_RUN_ADVICE = (
    "in TF2 call the computation directly (a function whose arguments are the fed values, under "
    "`@tf.function` where it helps) and take `.numpy()` of its results"
)
_EVAL_ADVICE = (
    "in TF2 a tensor already holds its value: use `.numpy()` (values fed through `feed_dict` "
    "become arguments of a function that computes it)"
)


class SessionRun(TracksBindings):
    """## What it does
    Reports the places a TF1 graph is executed: `sess.run(...)`, `sess.partial_run(...)`,
    `sess.make_callable(...)`, `op.run()` and `tensor.eval()`, with the `feed_dict=` they pass.

    A call is reported when any of these holds:
    - it passes `feed_dict=` or `run_metadata=` (to `.run`), or `feed_dict=`/`session=` (to
      `.eval`);
    - its receiver holds a session: a name or attribute (`self.sess`) assigned from, or bound by
      `with ... as`, `tf.Session`, `tf.InteractiveSession`, a monitored session,
      `tf.get_default_session()` or `supervisor.managed_session()`; or a session created in place;
    - `.run()` on a name holding an initializer or train op, `.eval()` on a name holding a tensor
      (see `tf_migrate.analysis.tensor_names`);
    - `.run(...)` on a receiver whose last name is a conventional session name (`sess`,
      `session`, `mon_sess`, ...) in a module that imports TensorFlow: sessions are often passed
      to functions as a parameter, where no assignment shows what they are.

    `model.eval()` (PyTorch), `app.run(main)` and other calls match none of these.

    ## Why is this bad?
    TensorFlow 2 has no sessions and no feeding: operations run when called, and tensors hold
    their values.

    ## Example
    ```python
    loss_value = sess.run(loss, feed_dict={x: batch})
    ```

    ## Use instead
    ```python
    loss_value = compute_loss(batch).numpy()
    ```

    ## Fix safety
    Manual: the function that replaces a run site is the backward slice of its fetches.
    """

    code = "TFM104"
    name = "session-run"
    message = "`{call}(...)` executes a TF1 graph: {advice}"

    examples = (
        Valid("import torch\nmodel.eval()\n"),
        Valid("from absl import app\napp.run(main)\n"),
        Valid("import tensorflow as tf\nx = tf.constant(1.0)\nprint(x.numpy())\n"),
        Invalid("import tensorflow as tf\nwith tf.Session() as s:\n    s.run(y)\n"),
        Invalid("import tensorflow as tf\ndef train(sess):\n    sess.run(train_op)\n"),
        Invalid("import tensorflow as tf\nv = tf.Variable(1.0)\nprint(v.eval())\n"),
        Invalid("y.eval(feed_dict={x: 1.0})\n"),
        Invalid("import tensorflow as tf\ninit = tf.global_variables_initializer()\ninit.run()\n"),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        keywords = {arg.keyword.value for arg in node.args if arg.keyword is not None}
        receiver = self.bindings.kind_of(func.value)
        if method in ("run", "partial_run", "make_callable"):
            if self._runs_graph(func.value, receiver, keywords):
                self._report(node, _RUN_ADVICE)
        elif method == "eval" and (keywords & {"feed_dict", "session"} or receiver in TENSOR_LIKE):
            self._report(node, _EVAL_ADVICE)

    def _runs_graph(
        self, receiver: cst.BaseExpression, kind: ValueKind | None, keywords: set[str]
    ) -> bool:
        if kind in (ValueKind.SESSION, ValueKind.OPERATION):
            return True
        if keywords & {"feed_dict", "run_metadata"}:
            return True
        spelled = dotted_name(receiver)
        return (
            self.imports_tensorflow
            and spelled is not None
            and spelled.rpartition(".")[2] in _SESSION_NAMES
        )

    def _report(self, node: cst.Call, advice: str) -> None:
        self.report(node, self.message.format(call=self.code_of(node.func), advice=advice))


class VariablesInitializer(SymbolFinding):
    """## What it does
    Reports variable and table initializers (`tf.global_variables_initializer`,
    `tf.local_variables_initializer`, `tf.initialize_all_variables`, `tf.variables_initializer`,
    `tf.tables_initializer`) and initialization checks (`tf.report_uninitialized_variables`,
    `tf.is_variable_initialized`, `tf.assert_variables_initialized`).

    ## Why is this bad?
    TF2 variables and lookup tables are initialized when they are created; the initializer ops do
    not exist.

    ## Example
    ```python
    v = tf.Variable(tf.zeros([3]))
    sess.run(tf.global_variables_initializer())
    ```

    ## Use instead
    ```python
    v = tf.Variable(tf.zeros([3]))
    ```

    ## Fix safety
    Manual: the run that executes the initializer goes away with the session.
    """

    code = "TFM105"
    name = "variables-initializer"
    message = "`{name}` has no TF2 form: {advice}"
    symbols = {
        "tf.global_variables_initializer": _CREATED_INITIALIZED,
        "tf.local_variables_initializer": _CREATED_INITIALIZED,
        "tf.initialize_all_variables": _CREATED_INITIALIZED,
        "tf.initialize_local_variables": _CREATED_INITIALIZED,
        "tf.initialize_variables": _CREATED_INITIALIZED,
        "tf.variables_initializer": _CREATED_INITIALIZED,
        "tf.tables_initializer": "TF2 lookup tables initialize when created: delete it",
        "tf.report_uninitialized_variables": _CREATED_INITIALIZED.replace(" and its run", ""),
        "tf.is_variable_initialized": _CREATED_INITIALIZED.replace(" and its run", ""),
        "tf.assert_variables_initialized": _CREATED_INITIALIZED.replace(" and its run", ""),
    }
    examples = (
        Valid("import tensorflow as tf\nv = tf.Variable(1.0)\n"),
        Invalid("import tensorflow as tf\ninit = tf.global_variables_initializer()\n"),
        Invalid("import tensorflow.compat.v1 as tf\nsess.run(tf.local_variables_initializer())\n"),
        Invalid("from tensorflow import initialize_all_variables\ninitialize_all_variables()\n"),
    )
