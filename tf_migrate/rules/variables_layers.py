"""TFM301-TFM304: variable creation and sharing, `tf.layers` and TF1 RNN cells."""

from __future__ import annotations

from tf_migrate.rules.support.rule import Invalid, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding

_CREATE_ONCE = (
    "create the variable once with `tf.Variable(initializer(shape))`, owned by a `tf.Module` or "
    "a Keras layer (`self.add_weight`); get_variable's default initializer is glorot_uniform"
)
_SHARE_BY_OBJECT = (
    "TF2 shares variables by sharing the Python object that owns them: create a `tf.Module` or "
    "Keras layer once and call it again; for op names only, use `tf.name_scope`"
)
_KERAS_LAYER = (
    "use the Keras layer of the same name (`tf.keras.layers.Dense` for `dense`), created once "
    "outside the code that calls it; `tf.compat.v1.layers` raises with Keras 3"
)
_KERAS_RNN = (
    "use Keras recurrent layers (`tf.keras.layers.LSTM`, `GRU`, `RNN` with `LSTMCell`/`GRUCell`/"
    "`StackedRNNCells`); `tf.compat.v1.nn.rnn_cell` raises with Keras 3"
)


class GetVariable(SymbolFinding):
    """## What it does
    Reports `tf.get_variable`, `tf.get_local_variable` and `tf.make_template`.

    ## Why is this bad?
    `get_variable` creates or reuses a variable by name in the current variable scope: a graph
    mechanism TF2 does not have. Calling the code again creates new variables.

    ## Example
    ```python
    w = tf.get_variable("w", [3, 4])
    ```

    ## Use instead
    ```python
    class Model(tf.Module):
        def __init__(self):
            self.w = tf.Variable(tf.keras.initializers.GlorotUniform()([3, 4]), name="w")
    ```

    ## Fix safety
    Manual: the variable must move to where it is created once.
    """

    code = "TFM301"
    name = "get-variable"
    message = "`{name}` creates variables by name in a TF1 scope: {advice}"
    symbols = {
        "tf.get_variable": _CREATE_ONCE,
        "tf.get_local_variable": _CREATE_ONCE + " (with trainable=False)",
        "tf.make_template": "make the template a `tf.Module` or Keras layer and call the object",
    }
    examples = (
        Valid("import tensorflow as tf\nw = tf.Variable(tf.zeros([3]))\n"),
        Invalid("import tensorflow as tf\nw = tf.get_variable('w', [3])\n"),
        Invalid("from tensorflow import get_variable\nw = get_variable('w', [3])\n"),
    )


class VariableScope(SymbolFinding):
    """## What it does
    Reports `tf.variable_scope`, `tf.get_variable_scope`, `tf.VariableScope`,
    `tf.variable_op_scope` and `tf.AUTO_REUSE`.

    ## Why is this bad?
    Variable scopes name and share variables created by `get_variable`. TF2 has no variable
    scopes: sharing is object ownership.

    ## Example
    ```python
    with tf.variable_scope("encoder", reuse=tf.AUTO_REUSE):
        h = tf.layers.dense(x, 10)
    ```

    ## Use instead
    ```python
    encoder = tf.keras.layers.Dense(10, name="encoder")
    h = encoder(x)
    ```

    ## Fix safety
    Manual: the reuse structure becomes an object structure.
    """

    code = "TFM302"
    name = "variable-scope"
    message = "`{name}` is a TF1 variable scope: {advice}"
    symbols = dict.fromkeys(
        (
            "tf.variable_scope",
            "tf.get_variable_scope",
            "tf.VariableScope",
            "tf.variable_op_scope",
            "tf.AUTO_REUSE",
        ),
        _SHARE_BY_OBJECT,
    )
    examples = (
        Valid("import tensorflow as tf\nwith tf.name_scope('block'):\n    pass\n"),
        Invalid("import tensorflow as tf\nwith tf.variable_scope('block'):\n    pass\n"),
        Invalid("import tensorflow.compat.v1 as tf\nscope = tf.get_variable_scope()\n"),
    )


class TF1Layers(SymbolFinding):
    """## What it does
    Reports `tf.layers` functions and classes.

    ## Why is this bad?
    `tf.layers.dense(x, 10)` creates variables every time it runs in a variable scope; TF 2.21
    has no `tf.layers`, and `tf.compat.v1.layers` raises with Keras 3. Keras layers are objects
    created once and called many times.

    ## Example
    ```python
    h = tf.layers.dense(x, 64, activation=tf.nn.relu)
    h = tf.layers.dropout(h, rate=0.5, training=is_training)
    ```

    ## Use instead
    ```python
    dense = tf.keras.layers.Dense(64, activation="relu")
    dropout = tf.keras.layers.Dropout(0.5)
    h = dropout(dense(x), training=is_training)
    ```

    ## Fix safety
    Manual: layer objects must be created once, outside the code that calls them.
    """

    code = "TFM303"
    name = "tf1-layers"
    message = "`{name}` is a TF1 layer: {advice}"
    symbols = {
        "tf.layers": _KERAS_LAYER,
        "tf.layers.dense": "create `tf.keras.layers.Dense(units, activation=...)` once and call it",
        "tf.layers.dropout": "create `tf.keras.layers.Dropout(rate)` once and call it with "
        "`training=` (tf.layers.dropout defaults to training=False)",
        "tf.layers.batch_normalization": "create `tf.keras.layers.BatchNormalization()` once and "
        "call it with `training=`; Keras updates the moving statistics itself (no UPDATE_OPS), "
        "and on 4-D inputs TF1's fused kernel applied Bessel's correction to moving_variance",
        "tf.layers.flatten": "use `tf.keras.layers.Flatten()`",
    }
    examples = (
        Valid("import tensorflow as tf\nlayer = tf.keras.layers.Dense(3)\n"),
        Valid("import torch\nlayer = torch.nn.Linear(3, 4)\n"),
        Invalid("import tensorflow as tf\ny = tf.layers.dense(x, 3)\n"),
        Invalid("from tensorflow import layers\ny = layers.conv2d(x, 8, 3)\n"),
        Invalid("import tensorflow\nlayer = tensorflow.layers.Dense(3)\n"),
    )


class TF1RecurrentCells(SymbolFinding):
    """## What it does
    Reports `tf.nn.rnn_cell` cells and the TF1 RNN drivers `tf.nn.dynamic_rnn`,
    `bidirectional_dynamic_rnn`, `static_rnn`, `static_bidirectional_rnn`, `raw_rnn`.

    ## Why is this bad?
    TF 2.21 with Keras 3 has none of them. Keras recurrent layers store weights differently:
    BasicLSTMCell keeps one kernel with gates i, j, f, o and adds `forget_bias` at run time;
    Keras LSTM keeps kernel and recurrent_kernel with gates i, f, c, o. With `sequence_length`,
    dynamic_rnn zeroes outputs past each length, while Keras with a mask repeats the last one.

    ## Example
    ```python
    cell = tf.nn.rnn_cell.BasicLSTMCell(64)
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    ```

    ## Use instead
    ```python
    lstm = tf.keras.layers.LSTM(64, return_sequences=True, return_state=True)
    outputs, h, c = lstm(x)
    ```

    ## Fix safety
    Manual: checkpoints and padded outputs need conversion.
    """

    code = "TFM304"
    name = "tf1-rnn"
    message = "`{name}` is a TF1 RNN API: {advice}"
    symbols = {
        "tf.nn.rnn_cell": _KERAS_RNN,
        "tf.nn.rnn_cell.GRUCell": "use `tf.keras.layers.GRU(units, reset_after=False)` (TF1's "
        "gate formula)",
        "tf.nn.rnn_cell.MultiRNNCell": "stack Keras recurrent layers, or use "
        "`tf.keras.layers.StackedRNNCells`",
        "tf.nn.rnn_cell.DropoutWrapper": "use the `dropout`/`recurrent_dropout` arguments of the "
        "Keras recurrent layer",
        "tf.nn.rnn_cell.LSTMStateTuple": "Keras LSTM states are a list `[h, c]`",
        "tf.nn.dynamic_rnn": _KERAS_RNN + "; with sequence_length, pass a mask (outputs past each "
        "length differ: TF1 zeroes them)",
        "tf.nn.bidirectional_dynamic_rnn": "use `tf.keras.layers.Bidirectional(LSTM(...))`",
        "tf.nn.static_rnn": _KERAS_RNN,
        "tf.nn.static_bidirectional_rnn": "use `tf.keras.layers.Bidirectional(LSTM(...))`",
        "tf.nn.static_state_saving_rnn": _KERAS_RNN + " with `stateful=True`",
        "tf.nn.raw_rnn": "write the loop with `tf.while_loop` or a Python loop over a Keras cell",
    }
    examples = (
        Valid("import tensorflow as tf\nlstm = tf.keras.layers.LSTM(8)\n"),
        Invalid("import tensorflow as tf\ncell = tf.nn.rnn_cell.BasicLSTMCell(8)\n"),
        Invalid("import tensorflow as tf\nout, state = tf.nn.dynamic_rnn(cell, x)\n"),
    )
