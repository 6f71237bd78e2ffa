"""TFM505: `tf.contrib.eager` (`tfe`), rewritten to the core TF2 symbols that took its place."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.dotted import dotted, root_name
from tf_migrate.model import Applicability
from tf_migrate.rules.support.ancestry import Ancestry
from tf_migrate.rules.support.eager import EAGER_NAMESPACE, eager_imports, tf_prefix
from tf_migrate.rules.support.rule import (
    Invalid,
    Replacement,
    RuleOptions,
    UnusedImport,
    Valid,
)
from tf_migrate.rules.support.symbol_findings import SymbolFinding

_E = EAGER_NAMESPACE
# tfe symbols that are core TF symbols under another name: the TF2 name, and what TF1 accepted
# that TF2 does not take the same way.
_RENAMED: dict[str, str] = {
    "Variable": "tf.Variable",
    "defun": "tf.function",
    "function": "tf.function",
    "GradientTape": "tf.GradientTape",
    "executing_eagerly": "tf.executing_eagerly",
    "in_eager_mode": "tf.executing_eagerly",
    "Checkpoint": "tf.train.Checkpoint",
    "py_func": "tf.py_function",
    "custom_gradient": "tf.custom_gradient",
    "TensorSpec": "tf.TensorSpec",
}
_NUM_GPUS = 'len(tf.config.list_logical_devices("GPU"))'
_ITERATE = "iterate the dataset itself (`for batch in dataset:`) or `iter(dataset)`"
_CHECKPOINT = "use `tf.train.Checkpoint(name=obj, ...)`: `.save(prefix)`, `.restore(path)`"
_KERAS_MODEL = "subclass `tf.keras.Model` (layers as attributes, the forward pass in `call`)"
_CHECK_NUMERICS = "call `tf.debugging.enable_check_numerics()` once"

_SYMBOLS: dict[str, str] = {
    _E: "eager execution is the default in TF2, and the parts of `tf.contrib.eager` are core "
    "TF: `tf.Variable`, `tf.GradientTape`, `tf.function`, `tf.train.Checkpoint`",
    **{f"{_E}.{name}": f"use `{target}` (the same object in TF2)"
       for name, target in _RENAMED.items()},
    f"{_E}.defun": "use `tf.function` (defun is TF2's tf.function under its TF1 name; "
    "`experimental_relax_shapes` is `reduce_retracing`)",
    f"{_E}.num_gpus": f"use `{_NUM_GPUS}`",
    f"{_E}.Iterator": _ITERATE,
    f"{_E}.Network": _KERAS_MODEL,
    f"{_E}.Sequential": "use `tf.keras.Sequential`",
    f"{_E}.metrics": "use Keras metrics (`tf.keras.metrics.Mean()`, `update_state`, `result`)",
    f"{_E}.restore_variables_on_create": "create a `tf.train.Checkpoint` of the objects and "
    "`restore(path)` before building them: variables created later are restored on creation",
    f"{_E}.save_network_checkpoint": _CHECKPOINT,
    f"{_E}.restore_network_checkpoint": _CHECKPOINT,
    f"{_E}.Checkpointable": "subclass `tf.Module` (or `tf.train.Checkpoint`'s trackable objects)",
    f"{_E}.EagerVariableStore": "keep the variables on a `tf.Module` or a Keras layer",
    f"{_E}.make_template": "create the variables once in a `tf.Module` or Keras layer and call it",
    f"{_E}.get_optimizer_variables": "read `optimizer.variables` of the Keras optimizer",
    f"{_E}.list_devices": "use `tf.config.list_logical_devices()`",
    f"{_E}.run": "call `main()` directly, or `absl.app.run(main)` (eager is the default)",
    f"{_E}.seterr": _CHECK_NUMERICS,
    f"{_E}.errstate": _CHECK_NUMERICS,
    f"{_E}.add_execution_callback": _CHECK_NUMERICS,
    f"{_E}.inf_callback": _CHECK_NUMERICS,
    f"{_E}.nan_callback": _CHECK_NUMERICS,
    f"{_E}.inf_nan_callback": _CHECK_NUMERICS,
    f"{_E}.execution_mode": "use `tf.config.experimental.set_synchronous_execution(...)`",
    f"{_E}.set_execution_mode": "use `tf.config.experimental.set_synchronous_execution(...)`",
    f"{_E}.enable_remote_eager_execution": "use `tf.config.experimental_connect_to_cluster`",
    f"{_E}.connect_to_remote_host": "use `tf.config.experimental_connect_to_host`",
}

# tf.Variable's parameters that TF 1.15's tfe.Variable (ResourceVariable) also takes under the
# same name; only the first two are at the same position in both.
_VARIABLE_KEYWORDS = frozenset(
    {"initial_value", "trainable", "validate_shape", "caching_device", "name", "dtype",
     "variable_def", "import_scope", "constraint", "synchronization", "aggregation", "shape"}
)
_DEFUN_PARAMS = ("func", "input_signature", "autograph", "experimental_autograph_options",
                 "experimental_relax_shapes")


class ContribEager(SymbolFinding):
    """## What it does
    Rewrites the parts of `tf.contrib.eager` (`tfe`) that TF2 has in core TF: `tfe.Variable` to
    `tf.Variable`, `tfe.defun` to `tf.function`, `tfe.Iterator(dataset)` to the dataset itself
    in a `for` loop and to `iter(dataset)` elsewhere, `tfe.num_gpus()`, `tfe.executing_eagerly`,
    `tfe.Checkpoint`, `tfe.py_func`, `tfe.GradientTape`, and removes `tfe = tf.contrib.eager` and
    the `tensorflow.contrib.eager` imports once nothing uses them. The other parts of
    `tf.contrib.eager` are reported with their TF2 form (`tfe.Network` is a Keras model,
    `tfe.metrics` are Keras metrics). The gradient functions are TFM506, `tfe.Saver` TFM507,
    `tfe.enable_eager_execution` TFM108.

    ## Why is this bad?
    TF2 has no `tf.contrib`; eager execution is its default, and what `tf.contrib.eager`
    offered is core TF.

    ## Example
    ```python
    import tensorflow.contrib.eager as tfe

    w = tfe.Variable(0.5)

    @tfe.defun
    def predict(x):
        return x * w

    for x in tfe.Iterator(dataset):
        print(predict(x))
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    w = tf.Variable(0.5)

    @tf.function
    def predict(x):
        return x * w

    for x in dataset:
        print(predict(x))
    ```

    ## Fix safety
    Safe: each TF2 symbol is the object the TF1 one was under its TF1 name (`tfe.Variable` is
    the resource variable that `tf.Variable` is in TF2, `tfe.defun` and `tf.function` trace
    alike, a `tfe.Iterator` yields the elements iterating the dataset yields, and
    `tfe.num_gpus()` counted the logical GPUs). A call whose arguments TF2 takes otherwise
    (`tfe.Variable(..., collections=...)`, a third positional argument) is reported instead.
    """

    code = "TFM505"
    name = "contrib-eager"
    message = "`{name}` is TF1 contrib: {advice}"
    fix_title = "Use the core TF2 symbol"
    applicability = Applicability.SAFE
    symbols = _SYMBOLS
    examples = (
        Valid("import tensorflow as tf\nv = tf.Variable(1.0)\n"),
        Invalid(
            "import tensorflow as tf\ntfe = tf.contrib.eager\nv = tfe.Variable(1.0, name='v')\n",
            fixed="import tensorflow as tf\nv = tf.Variable(1.0, name='v')\n",
        ),
        Invalid(
            "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\n\n@tfe.defun\n"
            "def f(x):\n    return x\n",
            fixed="import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    return x\n",
        ),
        Invalid(
            "import tensorflow as tf\nfor x in tf.contrib.eager.Iterator(ds):\n    print(x)\n"
            "it = tf.contrib.eager.Iterator(ds)\nn = tf.contrib.eager.num_gpus()\n",
            fixed="import tensorflow as tf\nfor x in ds:\n    print(x)\nit = iter(ds)\n"
            'n = len(tf.config.list_logical_devices("GPU"))\n',
        ),
        Invalid("from tensorflow.contrib import eager as tfe\nv = tfe.Variable(1.0, True, None)\n"),
        Invalid("import tensorflow as tf\ntfe = tf.contrib.eager\nnet = tfe.Network()\n"),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._uses: list[tuple[cst.Attribute | cst.Name, str, str]] = []
        self._unused_imports: tuple[UnusedImport, ...] = ()

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        self._uses.append((node, name, key))

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._uses:
            return
        ancestry = Ancestry(original_node)
        self._unused_imports = eager_imports(original_node)
        for node, name, key in self._uses:
            self._rewrite(ancestry, node, name, key)

    def _rewrite(
        self, ancestry: Ancestry, node: cst.Attribute | cst.Name, name: str, key: str
    ) -> None:
        member = key.removeprefix(_E + ".")
        call = ancestry.call_of(node)
        differs = _arguments_differ(member, call) if call is not None else None
        if key == _E:
            self._namespace(ancestry, node, name)
        elif member in _RENAMED and differs is None:
            spelled = self._spelled(node, _RENAMED[member])
            if call is not None and _has_keyword(call, _DEFUN_PARAMS[-1]):
                self._fix(call, name, key, _relaxed(call, spelled))
            else:
                self._fix(node, name, key, spelled)
        elif member == "num_gpus" and call is not None and not call.args:
            prefix, _ = tf_prefix(self.facts)
            self._fix(call, name, key, cst.parse_expression(_NUM_GPUS.replace("tf.", prefix + ".")))
        elif member == "Iterator" and call is not None and (dataset := _dataset(call)):
            loop = ancestry.parent(call)
            in_loop = isinstance(loop, cst.For) and loop.iter is call
            replacement = dataset if in_loop else cst.Call(cst.Name("iter"), [cst.Arg(dataset)])
            self._fix(call, name, key, replacement)
        else:
            message = self.message.format(name=name, advice=self.symbols[key])
            self.report(node, message if differs is None else f"{message} ({differs})")

    def _namespace(self, ancestry: Ancestry, node: cst.Attribute | cst.Name, name: str) -> None:
        """`tfe = tf.contrib.eager` goes once nothing reads `tfe`; while `tfe.x` uses remain,
        they carry the findings. Any other use of the namespace is reported."""
        assign = ancestry.parent(node)
        alias = _alias_target(assign, node)
        line = ancestry.statement_line(node)
        if alias is None or line is None or len(line.body) != 1:
            self.report(node, self.message.format(name=name, advice=self.symbols[_E]))
            return
        reads = [found for found in ancestry.names(alias.value) if found is not alias]
        if not reads:
            self.report(
                line,
                f"`{alias.value} = {name}` is no longer used: delete it (TF2 has no tf.contrib)",
                replacement=cst.RemoveFromParent(),
                fix_title="Delete the unused alias",
            )
            return
        if not all(_is_attribute_root(ancestry, read) for read in reads):
            self.report(node, self.message.format(name=name, advice=self.symbols[_E]))

    def _fix(self, node: cst.CSTNode, name: str, key: str, replacement: Replacement) -> None:
        _, imports = tf_prefix(self.facts)
        self.report(
            node,
            self.message.format(name=name, advice=self.symbols[key]),
            replacement=replacement,
            add_imports=imports,
            remove_imports=self._unused_imports,
        )

    def _spelled(self, node: cst.Attribute | cst.Name, target: str) -> cst.Attribute | cst.Name:
        """`target` ("tf.x") through the file's tensorflow name: `tensorflow.contrib.eager.x`
        keeps `tensorflow`, `tfe.x` and `from ... import x` take the file's `tf`."""
        root = root_name(node)
        if root is not None and isinstance(node, cst.Attribute) and self.tf_name(root) == "tf":
            prefix = root.value
        else:
            prefix, _ = tf_prefix(self.facts)
        return dotted(prefix + target.removeprefix("tf"))


def _alias_target(assign: cst.CSTNode | None, value: cst.CSTNode) -> cst.Name | None:
    if not isinstance(assign, cst.Assign) or assign.value is not value or len(assign.targets) != 1:
        return None
    target = assign.targets[0].target
    return target if isinstance(target, cst.Name) else None


def _is_attribute_root(ancestry: Ancestry, name: cst.Name) -> bool:
    parent = ancestry.parent(name)
    return isinstance(parent, cst.Attribute) and parent.value is name


def _arguments_differ(member: str, call: cst.Call) -> str | None:
    """Why TF2's symbol would not take `call`'s arguments as TF1's did; None when it would."""
    if member not in _RENAMED:
        return None
    if any(arg.star for arg in call.args):
        return "`*args`/`**kwargs` hide which arguments it receives"
    keywords = {arg.keyword.value for arg in call.args if arg.keyword is not None}
    positional = sum(1 for arg in call.args if arg.keyword is None)
    if member == "Variable" and (positional > 2 or not keywords <= _VARIABLE_KEYWORDS):
        return ("TF2's parameters after `trainable` are in another order, and it has no "
                "`collections`: pass its arguments by keyword, without `collections`")
    if member == "defun" and (bind_args(call, _DEFUN_PARAMS) is None or positional > 3):
        return "tf.function's parameters after `autograph` differ: pass them by keyword"
    if member == "Checkpoint" and ("root" in keywords or positional):
        return "`root` is a parameter of TF2's Checkpoint, not a name to checkpoint"
    return None


def _has_keyword(call: cst.Call, keyword: str) -> bool:
    return any(arg.keyword is not None and arg.keyword.value == keyword for arg in call.args)


def _relaxed(call: cst.Call, func: cst.BaseExpression) -> cst.Call:
    """`defun(f, experimental_relax_shapes=True)` -> `tf.function(f, reduce_retracing=True)`."""
    args = [
        arg.with_changes(keyword=cst.Name("reduce_retracing"))
        if arg.keyword is not None and arg.keyword.value == _DEFUN_PARAMS[-1]
        else arg
        for arg in call.args
    ]
    return call.with_changes(func=func, args=args)


def _dataset(call: cst.Call) -> cst.BaseExpression | None:
    bound = bind_args(call, ("dataset",))
    return bound.get("dataset") if bound is not None and len(bound) == 1 else None
