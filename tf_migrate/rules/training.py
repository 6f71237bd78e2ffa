"""TFM201-TFM204: training (minimize, optimizers, learning-rate schedules, the global step)."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.tensor_names import ValueKind
from tf_migrate.model import Applicability
from tf_migrate.rules.support.ancestry import Ancestry
from tf_migrate.rules.support.eager import applies_gradients_eagerly, tf_prefix
from tf_migrate.rules.support.eager_optimizers import (
    KerasOptimizer,
    dropped_global_step,
    dropped_in_place,
    keras_replacement,
)
from tf_migrate.rules.support.rule import Invalid, NeededImport, RuleOptions, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding
from tf_migrate.rules.support.tracking import TracksBindings

_TF1_MINIMIZE_KEYWORDS = frozenset(
    {
        "global_step",
        "gate_gradients",
        "aggregation_method",
        "colocate_gradients_with_ops",
        "grad_loss",
    }
)
H = "import tensorflow as tf\n"
_EAGER = H + "tf.enable_eager_execution()\n"
_TAPE = (
    "in TF2 compute the gradients with `tf.GradientTape` and apply them with a Keras optimizer: "
    "`optimizer.apply_gradients(zip(grads, variables))` (or `optimizer.minimize(loss_fn, "
    "var_list)` with a callable loss); the step count is `optimizer.iterations`"
)


class OptimizerMinimize(TracksBindings):
    """## What it does
    Reports `minimize`, `compute_gradients` and `apply_gradients` on a TF1 optimizer: a name or
    attribute assigned from `tf.train.*Optimizer(...)` (or a `tf.contrib` optimizer), or such a
    constructor called in place. Any `.minimize(...)` or `.apply_gradients(...)` passing a
    TF1-only keyword (`global_step`, `gate_gradients`, `aggregation_method`,
    `colocate_gradients_with_ops`, `grad_loss`), and `.compute_gradients(...)` in a module that
    imports TensorFlow, are reported too: they are TF1 optimizer calls whatever the receiver.
    `opt.apply_gradients(pairs)` as a statement of its own, without those keywords, is not
    reported: eager code applies the gradients at once, as a Keras optimizer does (TFM202
    rewrites the optimizer), and a graph program would build an op nobody runs.

    ## Why is this bad?
    In TF1 `opt.minimize(loss)` adds a training op to the graph, run later by a session. TF2
    computes gradients eagerly with a `tf.GradientTape`.

    ## Example
    ```python
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss, global_step=step)
    ```

    ## Use instead
    ```python
    optimizer = tf.keras.optimizers.Adam(1e-3, epsilon=1e-8)

    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(model(x), y)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss
    ```

    ## Fix safety
    Manual: the loss must become a function of the batch (a backward slice of the graph). In
    eager code (see TFM202), a statement `opt.apply_gradients(pairs, global_step=step)` where
    `step` is `tf.train.get_or_create_global_step()` loses its global step when the file
    mentions no global step elsewhere (safe: nothing reads the count, and a Keras optimizer
    counts its steps in `optimizer.iterations`).
    """

    code = "TFM201"
    name = "optimizer-minimize"
    message = "`{call}(...)` builds a TF1 training op: {advice}"
    examples = (
        Valid("import tensorflow as tf\nopt = tf.keras.optimizers.Adam()\nopt.minimize(f, [v])\n"),
        Valid("import torch\nopt = torch.optim.SGD(params, 0.1)\nopt.step()\n"),
        Invalid("import tensorflow as tf\nopt = tf.train.AdamOptimizer(1)\nop = opt.minimize(l)\n"),
        Invalid("import tensorflow as tf\nop = tf.train.MomentumOptimizer(1, 0.9).minimize(l)\n"),
        Invalid("op = optimizer.minimize(loss, global_step=step)\n"),
        Invalid("import tensorflow as tf\ngrads = self.opt.compute_gradients(loss)\n"),
        Valid(H + "opt = tf.train.AdamOptimizer(1)\nopt.apply_gradients(g)\n"),
        Invalid(H + "opt = tf.train.AdamOptimizer(1)\nop = opt.apply_gradients(g)\n"),
        Invalid(
            _EAGER + "opt.apply_gradients(g, global_step=tf.train.get_or_create_global_step())\n",
            fixed=_EAGER + "opt.apply_gradients(g)\n",
        ),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._statement: cst.BaseExpression | None = None  # the current expression statement's
        # Eager `apply_gradients(pairs, global_step)` statements, and whether they are reported
        # when the step cannot go.
        self._stepped: list[tuple[cst.Call, bool]] = []

    def visit_Expr(self, node: cst.Expr) -> None:
        self._statement = node.value

    def leave_Module(self, original_node: cst.Module) -> None:
        ancestry = Ancestry(original_node) if self._stepped else None
        for call, tf1_call in self._stepped:
            assert ancestry is not None
            message = self.message.format(call=self.code_of(call.func), advice=_TAPE)
            step = dropped_global_step(ancestry, call, self.tf_name)
            if step is None:
                if tf1_call:
                    self.report(call, message)
                continue
            pairs = call.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            self.report(
                call,
                f"`{self.code_of(call.func)}(...)` passes the TF1 global step, which nothing else "
                "reads and TF2 optimizers do not take: it goes (a Keras optimizer counts its "
                "steps in `optimizer.iterations`)",
                replacement=call.with_changes(args=[pairs]),
                applicability=Applicability.SAFE,
                fix_title="Drop the global step (the optimizer counts its own steps)",
            )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method not in ("minimize", "compute_gradients", "apply_gradients"):
            return
        keywords = {arg.keyword.value for arg in node.args if arg.keyword is not None}
        tf1_keywords = keywords & _TF1_MINIMIZE_KEYWORDS
        tf1_call = bool(
            self.bindings.kind_of(func.value) is ValueKind.OPTIMIZER
            or (method != "compute_gradients" and tf1_keywords)
            or (method == "compute_gradients" and self.imports_tensorflow)
        )
        if method == "apply_gradients" and node is self._statement:
            # A statement: applied at once in eager code, as by a Keras optimizer (TFM202); in a
            # graph program an op nobody runs.
            if len(node.args) == 2 and applies_gradients_eagerly(self.facts):
                self._stepped.append((node, tf1_call))
                return
            if not tf1_keywords:
                return
        if tf1_call:
            self.report(node, self.message.format(call=self.code_of(func), advice=_TAPE))


class TF1Optimizer(SymbolFinding):
    """## What it does
    Reports the TF1 optimizers `tf.train.*Optimizer` and their base class `tf.train.Optimizer`,
    each with the Keras optimizer that runs the same algorithm, the settings that make it so,
    and the differences that remain.

    ## Why is this bad?
    TF2 has no `tf.train` optimizers; Keras optimizers differ in defaults (Adam's epsilon is 1e-7,
    TF1's 1e-8; Adagrad adds an epsilon) and, for RMSProp and Momentum under a schedule, in the
    algorithm.

    ## Example
    ```python
    opt = tf.train.AdamOptimizer(1e-3)
    ```

    ## Use instead
    ```python
    opt = tf.keras.optimizers.Adam(1e-3, epsilon=1e-8)
    ```

    ## Fix safety
    In eager code (a TF1 eager program, one that enables eager execution or uses
    `tf.contrib.eager`, or code that records gradients on a `tf.GradientTape`), an optimizer
    assigned to a name or attribute and used only in statements `opt.apply_gradients(pairs)`
    becomes the Keras optimizer that runs the same algorithm, every TF1 default made explicit:
    safe where the algorithm is the same (within the stated float32 rounding), unsafe where Keras
    runs another (RMSProp; Momentum when its learning rate is not a number literal). Manual
    elsewhere: in a graph program the optimizer changes together with `minimize` (TFM150), and
    `minimize`, `global_step=`, slots and a decayed learning rate have other Keras forms.
    """

    code = "TFM202"
    name = "tf1-optimizer"
    message = "`{name}` is a TF1 optimizer: {advice}"
    symbols = {
        "tf.train.GradientDescentOptimizer": "use `tf.keras.optimizers.SGD(learning_rate)` (same "
        "algorithm)",
        "tf.train.AdamOptimizer": "use `tf.keras.optimizers.Adam(learning_rate, beta_1, beta_2, "
        "epsilon=1e-8)` (TF1's epsilon is 1e-8, Keras' 1e-7; float32 rounding drifts ~5e-6 over "
        "100 steps)",
        "tf.train.MomentumOptimizer": "use `tf.keras.optimizers.SGD(learning_rate, momentum=m, "
        "nesterov=...)`: the same numbers only with a constant learning rate",
        "tf.train.AdagradOptimizer": "use `tf.keras.optimizers.Adagrad(learning_rate, "
        "initial_accumulator_value=0.1, epsilon=0.0)` (TF1 adds no epsilon)",
        "tf.train.RMSPropOptimizer": "`tf.keras.optimizers.RMSprop` runs a different algorithm "
        "(TF1 starts the mean square at 1.0 and adds epsilon 1e-10 inside the square root); no "
        "setting gives TF1's numbers",
        "tf.train.AdadeltaOptimizer": "use `tf.keras.optimizers.Adadelta(learning_rate=0.001, "
        "rho=0.95, epsilon=1e-8)` with TF1's defaults made explicit",
        "tf.train.FtrlOptimizer": "use `tf.keras.optimizers.Ftrl` with the settings made explicit "
        "(matches TF1 to ~3e-7 relative)",
        "tf.train.ProximalGradientDescentOptimizer": "no Keras optimizer runs this algorithm: "
        "write the update in a GradientTape step",
        "tf.train.ProximalAdagradOptimizer": "no Keras optimizer runs this algorithm: write the "
        "update in a GradientTape step",
        "tf.train.AdagradDAOptimizer": "no Keras optimizer runs this algorithm: write the update "
        "in a GradientTape step",
        "tf.train.Optimizer": "subclass `tf.keras.optimizers.Optimizer` (implement `update_step`)",
    }
    examples = (
        Valid("import tensorflow as tf\nopt = tf.keras.optimizers.SGD(0.1)\n"),
        Invalid("import tensorflow as tf\nopt = tf.train.AdamOptimizer(1e-3)\n"),
        Invalid("from tensorflow.train import AdamOptimizer\nopt = AdamOptimizer(1e-3)\n"),
        Invalid("import tensorflow.compat.v1 as tf\nopt = tf.train.RMSPropOptimizer(1e-3)\n"),
        Invalid(
            _EAGER + "opt = tf.train.AdamOptimizer(0.01)\nopt.apply_gradients(pairs)\n",
            fixed=_EAGER + "opt = tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, "
            "beta_2=0.999, epsilon=1e-08)\nopt.apply_gradients(pairs)\n",
        ),
        Invalid(
            _EAGER + "opt = tf.train.RMSPropOptimizer(0.01)\nopt.apply_gradients(pairs)\n",
            fixed=_EAGER + "opt = tf.keras.optimizers.RMSprop(learning_rate=0.01, rho=0.9, "
            "momentum=0.0, epsilon=1e-10, centered=False)\nopt.apply_gradients(pairs)\n",
        ),
        Invalid(_EAGER + "opt = tf.train.AdamOptimizer(0.01)\nopt.minimize(loss)\n"),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._uses: list[tuple[cst.Attribute | cst.Name, str, str]] = []

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        if applies_gradients_eagerly(self.facts):
            self._uses.append((node, name, key))
        else:
            super().report_use(node, name, key)

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._uses:
            return
        ancestry = Ancestry(original_node)
        prefix, imports = tf_prefix(self.facts)
        keras = self.options.keras_namespace
        if keras.startswith("tf."):
            keras = prefix + keras.removeprefix("tf")
        else:
            imports = (NeededImport(keras.partition(".")[0]),)
        for node, name, key in self._uses:
            message = self.message.format(name=name, advice=self.symbols[key])
            found = keras_replacement(ancestry, node, name, keras, self.tf_name)
            if not isinstance(found, KerasOptimizer):
                reason = "" if found is None else f" (not rewritten as eager code: {found})"
                self.report(node, message + reason)
                continue
            mapped = found.mapped
            said = mapped.tolerance or mapped.reason
            self.report(
                found.call,
                message + (f"; {said}" if said else ""),
                replacement=found.replacement,
                applicability=Applicability.SAFE if mapped.safe else Applicability.UNSAFE,
                fix_title="Use the Keras optimizer",
                add_imports=imports,
            )


def _schedule(keras: str) -> str:
    return (
        f"pass `tf.keras.optimizers.schedules.{keras}` as the optimizer's learning_rate (it "
        "reads `optimizer.iterations`, not a global step)"
    )


class LearningRateDecay(SymbolFinding):
    """## What it does
    Reports the TF1 learning-rate decay functions (`tf.train.exponential_decay`,
    `piecewise_constant`, `polynomial_decay`, `cosine_decay`, ...).

    ## Why is this bad?
    They build a tensor from the graph's global step. TF2 uses schedule objects that the
    optimizer calls with its own step counter.

    ## Example
    ```python
    lr = tf.train.exponential_decay(0.1, global_step, 1000, 0.96, staircase=True)
    opt = tf.train.GradientDescentOptimizer(lr)
    ```

    ## Use instead
    ```python
    lr = tf.keras.optimizers.schedules.ExponentialDecay(0.1, 1000, 0.96, staircase=True)
    opt = tf.keras.optimizers.SGD(lr)
    ```

    ## Fix safety
    Manual: the global step the decay read must be the optimizer's step count.
    """

    code = "TFM203"
    name = "learning-rate-decay"
    message = "`{name}` decays by the TF1 global step: {advice}"
    symbols = {
        "tf.train.exponential_decay": _schedule("ExponentialDecay"),
        "tf.train.natural_exp_decay": _schedule("ExponentialDecay") + " with decay_rate = "
        "exp(-rate)",
        "tf.train.inverse_time_decay": _schedule("InverseTimeDecay"),
        "tf.train.piecewise_constant": _schedule("PiecewiseConstantDecay"),
        "tf.train.piecewise_constant_decay": _schedule("PiecewiseConstantDecay"),
        "tf.train.polynomial_decay": _schedule("PolynomialDecay"),
        "tf.train.cosine_decay": _schedule("CosineDecay"),
        "tf.train.cosine_decay_restarts": _schedule("CosineDecayRestarts"),
        "tf.train.linear_cosine_decay": "no Keras schedule computes it: subclass "
        "`tf.keras.optimizers.schedules.LearningRateSchedule`",
        "tf.train.noisy_linear_cosine_decay": "no Keras schedule computes it: subclass "
        "`tf.keras.optimizers.schedules.LearningRateSchedule`",
    }
    examples = (
        Valid("import tensorflow as tf\nlr = tf.keras.optimizers.schedules.CosineDecay(1, 2)\n"),
        Invalid("import tensorflow as tf\nlr = tf.train.exponential_decay(0.1, step, 100, 0.9)\n"),
    )


class GlobalStep(SymbolFinding):
    """## What it does
    Reports the TF1 global step: `tf.train.get_global_step`, `get_or_create_global_step`,
    `create_global_step`, `tf.train.global_step`, `assert_global_step`.

    ## Why is this bad?
    The global step is a graph collection entry that `minimize(global_step=...)` increments. In
    TF2 an optimizer counts its own steps in `optimizer.iterations`.

    ## Example
    ```python
    step = tf.train.get_or_create_global_step()
    ```

    ## Use instead
    ```python
    step = optimizer.iterations
    ```

    ## Fix safety
    Manual: which optimizer's counter replaces it depends on the program.
    """

    code = "TFM204"
    name = "global-step"
    message = "`{name}` is the TF1 global step: {advice}"
    symbols = dict.fromkeys(
        (
            "tf.train.get_global_step",
            "tf.train.get_or_create_global_step",
            "tf.train.create_global_step",
            "tf.train.global_step",
            "tf.train.assert_global_step",
        ),
        "read `optimizer.iterations` (or keep a `tf.Variable` you increment) in TF2",
    )
    examples = (
        Valid("import tensorflow as tf\nstep = optimizer.iterations\n"),
        Invalid("import tensorflow as tf\nstep = tf.train.get_or_create_global_step()\n"),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._eager_uses: list[tuple[cst.Attribute | cst.Name, str, str]] = []

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        if applies_gradients_eagerly(self.facts):
            self._eager_uses.append((node, name, key))
        else:
            super().report_use(node, name, key)

    def leave_Module(self, original_node: cst.Module) -> None:
        """A global step made in an eager `apply_gradients` statement that TFM201 drops is
        left to TFM201's finding."""
        ancestry = Ancestry(original_node) if self._eager_uses else None
        for node, name, key in self._eager_uses:
            assert ancestry is not None
            if not dropped_in_place(ancestry, node, self.tf_name):
                super().report_use(node, name, key)
