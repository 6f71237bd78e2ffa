"""TFM501-TFM504: `tf.contrib` (outside its layers and eager), `tf.flags`, `tf.app` and
`tf.logging`."""

from __future__ import annotations

import libcst as cst

from tf_migrate.model import Applicability
from tf_migrate.rules.support.absl_modules import (
    LOGGING_NAMES,
    absl_use,
    app_run,
    flags_unparsed,
    plain_bindings,
)
from tf_migrate.rules.support.rule import Invalid, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding

_ABSL_FLAGS = (
    "use `absl.flags` (`from absl import flags`): tf.flags wrapped it, the functions are the same"
)
_ABSL_LOGGING = (
    "use `absl.logging` (same functions and levels) or Python's `logging`; "
    "`tf.get_logger()` is TensorFlow's own logger"
)
_GONE = "no TF2 package provides it: reimplement what you use"

# Where each part of tf.contrib went. Keys not listed fall back to "tf.contrib".
_CONTRIB: dict[str, str] = {
    "tf.contrib": "tf.contrib was removed in TF2; its parts moved to core TF, Keras, TensorFlow "
    "Addons or TensorFlow Probability (see the TF2 migration guide)",
    "tf.contrib.rnn": "use Keras recurrent layers (`tf.keras.layers.LSTM`, `GRU`, `RNN` with "
    "`LSTMCell`/`GRUCell`/`StackedRNNCells`); weight layouts and the forget bias differ",
    "tf.contrib.cudnn_rnn": "use `tf.keras.layers.LSTM`/`GRU` (they use cuDNN kernels when their "
    "arguments allow)",
    "tf.contrib.learn": "use Keras `Model.fit` with `tf.data` input",
    "tf.contrib.learn.datasets": "use `tf.keras.datasets` or `tensorflow_datasets`",
    "tf.contrib.opt": "use a Keras optimizer (`tf.keras.optimizers.AdamW` for AdamWOptimizer) or "
    "TensorFlow Addons (`tfa.optimizers`)",
    "tf.contrib.distributions": "use TensorFlow Probability: `tfp.distributions`",
    "tf.contrib.bayesflow": "use TensorFlow Probability",
    "tf.contrib.integrate": "use `tfp.math.ode`",
    "tf.contrib.seq2seq": "use TensorFlow Addons `tfa.seq2seq`",
    "tf.contrib.crf": "use TensorFlow Addons `tfa.text.crf_log_likelihood`/`crf_decode`",
    "tf.contrib.data": "use `tf.data` / `tf.data.experimental`",
    "tf.contrib.metrics": "use Keras metrics (`tf.keras.metrics`)",
    "tf.contrib.losses": "use Keras losses (`tf.keras.losses`)",
    "tf.contrib.losses.metric_learning": "use TensorFlow Addons `tfa.losses`",
    "tf.contrib.image": "use `tf.image` or TensorFlow Addons `tfa.image`",
    "tf.contrib.resampler": "use TensorFlow Addons `tfa.image.resampler`",
    "tf.contrib.sparsemax": "use TensorFlow Addons `tfa.activations.sparsemax`",
    "tf.contrib.framework": "use core TF (`tf.nest`, `tf.sort`, `tf.argsort`, ...)",
    "tf.contrib.framework.nest": "use `tf.nest`",
    "tf.contrib.framework.sort": "use `tf.sort`",
    "tf.contrib.framework.argsort": "use `tf.argsort`",
    "tf.contrib.summary": "use `tf.summary` (the TF2 summary API is this one, moved)",
    "tf.contrib.checkpoint": "use `tf.train.Checkpoint` and `tf.train.CheckpointManager`",
    "tf.contrib.keras": "use `tf.keras`",
    "tf.contrib.lite": "use `tf.lite`",
    "tf.contrib.quantize": "use TensorFlow Model Optimization (`tfmot.quantization.keras`)",
    "tf.contrib.tpu": "use `tf.distribute.TPUStrategy`",
    "tf.contrib.distribute": "use the `tf.distribute` strategies",
    "tf.contrib.training": "write the training loop in Python; `tf.data` for input pipelines",
    "tf.contrib.training.HParams": "use a dataclass (or the TensorBoard HParams plugin)",
    "tf.contrib.training.bucket_by_sequence_length": "use `Dataset.bucket_by_sequence_length`",
    "tf.contrib.estimator": "use Keras: TF 2.21 has no tf.estimator",
    "tf.contrib.predictor": "use `tf.saved_model.load`",
    "tf.contrib.util": "use core TF (`tf.make_tensor_proto`, `tf.make_ndarray`, "
    "`tf.get_static_value`)",
    "tf.contrib.stateless": "use `tf.random.stateless_*`",
    "tf.contrib.signal": "use `tf.signal`",
    "tf.contrib.nn": "use `tf.nn` or TensorFlow Addons",
    "tf.contrib.compiler.xla": "use `tf.function(jit_compile=True)`",
    "tf.contrib.memory_stats": "use `tf.config.experimental.get_memory_info`",
    "tf.contrib.tensorboard": "use the TensorBoard plugins (`tensorboard.plugins.projector`)",
    "tf.contrib.text": "use TensorFlow Text (`tensorflow_text`)",
    "tf.contrib.gan": "use TF-GAN (`tensorflow_gan`)",
    "tf.contrib.factorization": _GONE,
    "tf.contrib.graph_editor": _GONE,
    "tf.contrib.labeled_tensor": _GONE,
    "tf.contrib.timeseries": _GONE,
}


class Contrib(SymbolFinding):
    """## What it does
    Reports every use of `tf.contrib` outside `tf.contrib.layers`/`slim` (TFM305) and
    `tf.contrib.eager` (TFM505-TFM507), with the package that took over each part where one
    exists: `contrib.rnn` to Keras recurrent layers, `contrib.opt` to Keras optimizers or
    TensorFlow Addons, `contrib.distributions` to TensorFlow Probability, `contrib.seq2seq` to
    TensorFlow Addons, `contrib.summary` to `tf.summary`, ...

    ## Why is this bad?
    TF2 has no `tf.contrib`; `import tensorflow.contrib` fails.

    ## Example
    ```python
    dist = tf.contrib.distributions.Normal(0.0, 1.0)
    ```

    ## Use instead
    ```python
    import tensorflow_probability as tfp

    dist = tfp.distributions.Normal(0.0, 1.0)
    ```

    ## Fix safety
    Manual: the successors' APIs and defaults differ.
    """

    code = "TFM501"
    name = "contrib"
    message = "`{name}` is TF1 contrib: {advice}"
    symbols = _CONTRIB
    examples = (
        Valid("import tensorflow_probability as tfp\nd = tfp.distributions.Normal(0.0, 1.0)\n"),
        Valid(
            "try:\n    from tensorflow.contrib import rnn\n    cell = rnn.LSTMCell(3)\n"
            "except ImportError:\n    cell = None\n"
        ),
        Invalid("import tensorflow as tf\nd = tf.contrib.distributions.Normal(0.0, 1.0)\n"),
        Invalid("from tensorflow.contrib import rnn\ncell = rnn.LSTMCell(3)\n"),
        Invalid("import tensorflow.contrib.opt as opt\no = opt.AdamWOptimizer(1e-4, 1e-3)\n"),
    )


class TF1Flags(SymbolFinding):
    """## What it does
    Reports `tf.flags` and `tf.app.flags`.

    ## Why is this bad?
    TF2 has no `tf.flags`. It was a thin wrapper of `absl.flags`, which provides the same
    functions (`DEFINE_string`, `FLAGS`, ...).

    ## Example
    ```python
    tf.flags.DEFINE_integer("steps", 100, "training steps")
    FLAGS = tf.flags.FLAGS
    ```

    ## Use instead
    ```python
    from absl import flags

    flags.DEFINE_integer("steps", 100, "training steps")
    FLAGS = flags.FLAGS
    ```

    ## Fix safety
    Safe where the program parses its flags with `tf.app.run` (or absl's) and reads none at
    module level: the names are absl's own, imported as `flags` (`absl_flags` where the module
    binds `flags` otherwise). Unsafe elsewhere: TF1's `FLAGS` parsed the command line at its
    first read, absl's raises `UnparsedFlagAccessError` until it is parsed (call
    `flags.FLAGS(sys.argv, known_only=True)` first, or run the program with `app.run`).
    """

    code = "TFM502"
    name = "tf-flags"
    message = "`{name}` is TF1 API: {advice}"
    symbols = {"tf.flags": _ABSL_FLAGS, "tf.app.flags": _ABSL_FLAGS}
    fix_title = "Use `absl.flags`"
    examples = (
        Valid("from absl import flags\nflags.DEFINE_integer('steps', 1, 'n')\n"),
        Invalid("import tensorflow as tf\ntf.flags.DEFINE_integer('steps', 1, 'n')\n",
                fixed="import tensorflow as tf\nfrom absl import flags\n\n"
                      "flags.DEFINE_integer('steps', 1, 'n')\n"),
        Invalid("import tensorflow as tf\nFLAGS = tf.app.flags.FLAGS\n",
                fixed="import tensorflow as tf\nfrom absl import flags\n\nFLAGS = flags.FLAGS\n"),
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._bound: set[str] | None = None
        self._unsafe: str | None = None

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        if self._bound is None:
            # Read once per file that uses tf.flags: the others pay nothing.
            self._bound = plain_bindings(self._module, {"flags"})
            self._unsafe = flags_unparsed(self._module, self.tf_name)
        use = absl_use(self, node, name, key, "flags", self._bound)
        message = self.message.format(name=name, advice=self.symbols[key])
        if use is None:
            self.report(node, message)
            return
        self.report(node, message if self._unsafe is None else f"{message} ({self._unsafe})",
                    replacement=use.expression, add_imports=use.imports,
                    remove_imports=use.removals,
                    applicability=Applicability.SAFE if self._unsafe is None
                    else Applicability.UNSAFE)


class TF1App(SymbolFinding):
    """## What it does
    Reports `tf.app.run` (and other `tf.app` uses except `tf.app.flags`, TFM502).

    ## Why is this bad?
    TF2 has no `tf.app`. `absl.app.run(main)` parses flags and calls `main` the same way.

    ## Example
    ```python
    if __name__ == "__main__":
        tf.app.run()
    ```

    ## Use instead
    ```python
    from absl import app

    if __name__ == "__main__":
        app.run(main)
    ```

    ## Fix safety
    Safe: `tf.app.run(main)` (or `tf.app.run()` in a module that defines `main`, which TF1 found
    itself) becomes `app.run(main, flags_parser=...)` with TF1's parser, which let command-line
    flags the program does not define through where absl's default stops. Manual for other uses
    of `tf.app` and where no `main` is found.
    """

    code = "TFM503"
    name = "tf-app"
    message = "`{name}` is TF1 API: {advice}"
    symbols = {
        "tf.app": "use `absl.app.run(main)` (tf.app.run() found `main` itself; pass it) or call "
        "`main()` directly",
    }
    fix_title = "Use `absl.app.run`"
    examples = (
        Valid("from absl import app\napp.run(main)\n"),
        Invalid("import tensorflow as tf\ntf.app.run()\n"),
        Invalid("import tensorflow as tf\ndef main(argv):\n    pass\ntf.app.run()\n",
                fixed="import tensorflow as tf\nfrom absl import app, flags\n\n"
                      "def main(argv):\n    pass\n"
                      "app.run(main, flags_parser=lambda argv: flags.FLAGS(argv, "
                      "known_only=True))\n"),
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._run_calls: dict[int, cst.Call] = {}

    def visit_Call(self, node: cst.Call) -> None:
        if self.tf_name(node.func) == "tf.app.run":
            self._run_calls[id(node.func)] = node

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        message = self.message.format(name=name, advice=self.symbols[key])
        call = self._run_calls.get(id(node)) if name == "tf.app.run" else None
        module = self._module
        has_main = any(isinstance(s, cst.FunctionDef) and s.name.value == "main"
                       for s in module.body)
        fixed = app_run(self, call, plain_bindings(module, {"app", "flags"}),
                        has_main) if call is not None else None
        if call is None or fixed is None:
            self.report(node, message)
            return
        expression, imports, removals = fixed
        self.report(call, message, replacement=expression, add_imports=imports,
                    remove_imports=removals, applicability=Applicability.SAFE)


class TF1Logging(SymbolFinding):
    """## What it does
    Reports `tf.logging`.

    ## Why is this bad?
    TF2 has no `tf.logging`. `absl.logging` has the same functions and levels.

    ## Example
    ```python
    tf.logging.set_verbosity(tf.logging.INFO)
    tf.logging.info("step %d", step)
    ```

    ## Use instead
    ```python
    from absl import logging

    logging.set_verbosity(logging.INFO)
    logging.info("step %d", step)
    ```

    ## Fix safety
    Safe: each function and level TF1 had becomes absl's of the same name (`warn` and `WARN` as
    `warning` and `WARNING`), imported as `logging` (`absl_logging` where the module binds
    `logging` otherwise, as with the standard library's). Messages look otherwise (absl's
    prefix) and go to the same stream. Manual for the few names absl lacks (`log_if`,
    `TaskLevelStatusMessage`).
    """

    code = "TFM504"
    name = "tf-logging"
    message = "`{name}` is TF1 API: {advice}"
    symbols = {"tf.logging": _ABSL_LOGGING}
    fix_title = "Use `absl.logging`"
    examples = (
        Valid("import logging\nlogging.info('x')\n"),
        Valid("import tensorflow as tf\ntf.get_logger().setLevel('INFO')\n"),
        Invalid("import tensorflow as tf\ntf.logging.info('step %d', 3)\n",
                fixed="import tensorflow as tf\nfrom absl import logging\n\n"
                      "logging.info('step %d', 3)\n"),
        Invalid("import tensorflow.compat.v1 as tf\ntf.logging.set_verbosity(tf.logging.INFO)\n",
                fixed="import tensorflow.compat.v1 as tf\nfrom absl import logging\n\n"
                      "logging.set_verbosity(logging.INFO)\n"),
        Invalid("import logging\nimport tensorflow as tf\ntf.logging.warn('w')\n",
                fixed="import logging\nimport tensorflow as tf\n"
                      "from absl import logging as absl_logging\n\nabsl_logging.warning('w')\n"),
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._bound: set[str] | None = None

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        if self._bound is None:
            self._bound = plain_bindings(self._module, {"logging"})
        use = absl_use(self, node, name, key, "logging", self._bound, LOGGING_NAMES)
        message = self.message.format(name=name, advice=self.symbols[key])
        if use is None:
            self.report(node, message)
            return
        self.report(node, message, replacement=use.expression, add_imports=use.imports,
                    remove_imports=use.removals, applicability=Applicability.SAFE)
