"""TFM106-TFM109: graphs, collections, execution-mode switches and `tf.py_func`."""

from __future__ import annotations

import libcst as cst

from tf_migrate.model import Applicability
from tf_migrate.rules.support.ancestry import Ancestry
from tf_migrate.rules.support.eager import EAGER_NAMESPACE, eager_imports
from tf_migrate.rules.support.rule import Invalid, RuleOptions, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding
from tf_migrate.rules.support.tf_names import imported_names

_NO_GRAPH = (
    "TF2 has no default graph to build into: run operations eagerly, or trace a Python function "
    "with `@tf.function` (its graph is `f.get_concrete_function(...).graph`)"
)
_OBJECT_OWNS = (
    "keep the objects in Python (e.g. a `tf.Module` or Keras model) and read "
    "`module.trainable_variables`, `model.losses`, `model.updates` from it"
)
_ASSIGN = (
    "TF2 has no assign ops: call the variable's method, `ref.{method}(value)`, which updates it "
    "at once in eager code"
)
_DEFAULT_IN_TF2 = "TF2 executes eagerly by default: delete the call"
_CONFIGURED = (
    "TF2 settings: threads with `tf.config.threading`, GPU memory with "
    "`tf.config.experimental.set_memory_growth`, placement with "
    "`tf.config.set_soft_device_placement`"
)
_RUNS_AS_GRAPH = (
    "the program runs in TF1 graph mode; migrate it to eager TF2 code and delete the call"
)


class Graph(SymbolFinding):
    """## What it does
    Reports `tf.Graph`, `tf.get_default_graph`, `tf.reset_default_graph`, `tf.import_graph_def`,
    `tf.GraphDef`, `tf.graph_util` and the assign ops `tf.assign`, `tf.assign_add` and
    `tf.assign_sub` (TFM150 rewrites them as variable methods in the session programs it
    rewrites).

    ## Why is this bad?
    TF1 programs build operations into a (default) graph and execute it later. TF2 runs
    operations eagerly; graphs only exist as traces of `tf.function`s.

    ## Example
    ```python
    graph = tf.Graph()
    with graph.as_default():
        y = tf.constant(1.0) * 2
    ```

    ## Use instead
    ```python
    y = tf.constant(1.0) * 2
    ```

    ## Fix safety
    Manual: what runs in the graph must be reorganized into eager code or `tf.function`s.
    """

    code = "TFM106"
    name = "graph"
    message = "`{name}` is TF1 graph construction: {advice}"
    symbols = {
        "tf.Graph": _NO_GRAPH,
        "tf.get_default_graph": _NO_GRAPH,
        "tf.reset_default_graph": "TF2 has no default graph to reset: delete the call "
        "(`tf.keras.backend.clear_session()` resets Keras state)",
        "tf.import_graph_def": "load a SavedModel with `tf.saved_model.load` instead of a GraphDef",
        "tf.GraphDef": "load a SavedModel with `tf.saved_model.load` instead of a GraphDef",
        "tf.graph_util": "freeze and export with `tf.saved_model.save` instead",
        "tf.add_check_numerics_ops": "call `tf.debugging.enable_check_numerics()` once instead",
        "tf.assign": _ASSIGN.format(method="assign"),
        "tf.assign_add": _ASSIGN.format(method="assign_add"),
        "tf.assign_sub": _ASSIGN.format(method="assign_sub"),
    }
    examples = (
        Valid("import tensorflow as tf\n@tf.function\ndef f(x):\n    return x + 1\n"),
        Valid("import networkx as nx\ng = nx.Graph()\n"),
        Invalid("import tensorflow as tf\ng = tf.Graph()\n"),
        Invalid("import tensorflow\ntensorflow.reset_default_graph()\n"),
        Invalid("from tensorflow import get_default_graph\ng = get_default_graph()\n"),
        Valid("import tensorflow as tf\nv = tf.Variable(1.0)\nv.assign_add(2.0)\n"),
        Invalid("import tensorflow as tf\nv = tf.Variable(1.0)\nstep = tf.assign_add(v, 2.0)\n"),
    )


class GraphCollection(SymbolFinding):
    """## What it does
    Reports graph collections: `tf.add_to_collection(s)`, `tf.get_collection(_ref)`,
    `tf.GraphKeys`, and the collection readers `tf.trainable_variables`, `tf.global_variables`,
    `tf.local_variables`, `tf.model_variables`, `tf.moving_average_variables`.

    ## Why is this bad?
    Collections are global lists kept in the TF1 graph. TF2 has none: variables, losses and
    update ops belong to the Python objects that created them.

    ## Example
    ```python
    variables = tf.trainable_variables()
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    ```

    ## Use instead
    ```python
    variables = model.trainable_variables
    ```

    ## Fix safety
    Manual: which object owns each collected value depends on the program.
    """

    code = "TFM107"
    name = "graph-collection"
    message = "`{name}` reads or writes a TF1 graph collection: {advice}"
    symbols = dict.fromkeys(
        (
            "tf.add_to_collection",
            "tf.add_to_collections",
            "tf.get_collection",
            "tf.get_collection_ref",
            "tf.GraphKeys",
            "tf.trainable_variables",
            "tf.global_variables",
            "tf.all_variables",
            "tf.local_variables",
            "tf.model_variables",
            "tf.moving_average_variables",
        ),
        _OBJECT_OWNS,
    )
    examples = (
        Valid("import tensorflow as tf\nvariables = model.trainable_variables\n"),
        Invalid("import tensorflow as tf\nops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"),
        Invalid("import tensorflow.compat.v1 as tf\nvs = tf.trainable_variables()\n"),
        Invalid("from tensorflow import GraphKeys\nkey = GraphKeys.LOSSES\n"),
    )


# The switches to what TF2 does anyway: no-ops in TF2.
_ENABLING = frozenset({
    "tf.enable_eager_execution",
    "tf.enable_v2_behavior",
    "tf.enable_resource_variables",
    "tf.enable_control_flow_v2",
    "tf.enable_v2_tensorshape",
    "tf.enable_tensor_equality",
    f"{EAGER_NAMESPACE}.enable_eager_execution",
})


class ExecutionModeSwitch(SymbolFinding):
    """## What it does
    Reports switches between TF1 and TF2 behaviour: `tf.enable_eager_execution` (also as
    `tf.contrib.eager.enable_eager_execution`), `tf.disable_eager_execution`,
    `tf.enable_v2_behavior`, `tf.disable_v2_behavior`, and the narrower `enable_*`/`disable_*`
    switches (resource variables, control flow v2, tensor shapes).

    ## Why is this bad?
    In TF2 the TF2 behaviour is the default, so the enabling calls are no-ops; the disabling calls
    keep the program a TF1 graph program.

    ## Example
    ```python
    tf.disable_v2_behavior()
    ```

    ## Use instead
    Delete the call once the program is TF2 code.

    ## Fix safety
    An enabling switch called alone on its line without arguments is deleted (safe: TF2 behaves
    so already), unless the file also disables a behaviour. Manual otherwise: deleting a disabling
    switch is correct only after the rest of the migration, and the arguments of
    `enable_eager_execution(config=..., device_policy=...)` become `tf.config` settings.
    """

    code = "TFM108"
    name = "execution-mode-switch"
    message = "`{name}` switches TF1/TF2 behaviour: {advice}"
    symbols = {
        **dict.fromkeys(_ENABLING, _DEFAULT_IN_TF2),
        "tf.disable_eager_execution": _RUNS_AS_GRAPH,
        "tf.disable_v2_behavior": _RUNS_AS_GRAPH,
        "tf.disable_resource_variables": _RUNS_AS_GRAPH,
        "tf.disable_control_flow_v2": _RUNS_AS_GRAPH,
        "tf.disable_v2_tensorshape": _RUNS_AS_GRAPH,
        "tf.disable_tensor_equality": _RUNS_AS_GRAPH,
    }
    examples = (
        Valid("import tensorflow as tf\nprint(tf.executing_eagerly())\n"),
        Invalid("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n"),
        Invalid("import tensorflow as tf\ntf.enable_eager_execution()\nx = 1\n", fixed=(
            "import tensorflow as tf\nx = 1\n"
        )),
        Invalid(
            "import tensorflow as tf\nif not tf.executing_eagerly():\n"
            "    tf.compat.v1.enable_eager_execution()\n",
            fixed="import tensorflow as tf\nif not tf.executing_eagerly():\n    pass\n",
        ),
        Invalid("import tensorflow as tf\ntf.enable_eager_execution(config=tf.ConfigProto())\n"),
        Invalid("import tensorflow.compat.v1 as tf\ntf.disable_v2_behavior()\n"
                "tf.enable_resource_variables()\n"),
    )
    fix_title = "Delete the call"

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._enabling: list[tuple[cst.Attribute | cst.Name, str, str]] = []
        self._disables = False

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        if key in _ENABLING:
            self._enabling.append((node, name, key))
            return
        self._disables = True
        super().report_use(node, name, key)

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._enabling:
            return
        ancestry = Ancestry(original_node)
        for node, name, key in self._enabling:
            message = self.message.format(name=name, advice=self.symbols[key])
            line = None if self._disables else _called_alone(ancestry, node)
            call = ancestry.call_of(node)
            if call is not None and call.args:
                self.report(node, f"{message}, once its arguments are {_CONFIGURED}")
            elif line is None:
                self.report(node, message)
            else:
                removals = eager_imports(original_node) + imported_names(self, node)
                self.report(line, message, replacement=cst.RemoveFromParent(),
                            applicability=Applicability.SAFE, remove_imports=removals)


class PyFunc(SymbolFinding):
    """## What it does
    Reports `tf.py_func`.

    ## Why is this bad?
    `tf.py_func` is the TF1 name. TF2's `tf.numpy_function` has the same contract (numpy arrays
    in and out, run as a stateful op inside graphs); in eager code the Python function can often
    be called directly.

    ## Example
    ```python
    y = tf.py_func(np.sinc, [x], tf.float32)
    ```

    ## Use instead
    ```python
    y = tf.numpy_function(np.sinc, [x], tf.float32)
    ```

    ## Fix safety
    Manual for now: the argument list is the same, but a function that returns a list of
    arrays needs `Tout` as a list in both, which is checked by hand.
    """

    code = "TFM109"
    name = "py-func"
    message = "`{name}` is TF1 API: {advice}"
    symbols = {
        "tf.py_func": "use `tf.numpy_function(func, inp, Tout)` (same contract), or call the "
        "function directly in eager code",
    }
    examples = (
        Valid("import tensorflow as tf\ny = tf.numpy_function(f, [x], tf.float32)\n"),
        Invalid("import tensorflow as tf\ny = tf.py_func(f, [x], tf.float32)\n"),
        Invalid("from tensorflow import py_func\ny = py_func(f, [x], 'float32')\n"),
    )


def _called_alone(ancestry: Ancestry, func: cst.CSTNode) -> cst.SimpleStatementLine | None:
    """The line of `func()` when the call, without arguments, is the line's only statement."""
    call = ancestry.call_of(func)
    statement = ancestry.parent(call) if call is not None else None
    line = ancestry.parent(statement) if statement is not None else None
    if (
        call is None
        or call.args
        or not isinstance(statement, cst.Expr)
        or not isinstance(line, cst.SimpleStatementLine)
        or len(line.body) != 1
    ):
        return None
    return line
