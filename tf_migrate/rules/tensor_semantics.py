"""TFM110-TFM111: Python operators whose meaning on tensors changed between TF1 and TF2."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.tensor_names import ValueKind
from tf_migrate.cst.dotted import dotted_name
from tf_migrate.rules.registry import symbol_owner
from tf_migrate.rules.support.rule import Invalid, RuleOptions, Valid
from tf_migrate.rules.support.tracking import TracksBindings

# Placeholders are left out of TFM111: they are dict keys only to be fed, which TFM101/TFM104
# report already.
_HASHED_KINDS = frozenset({ValueKind.TENSOR, ValueKind.VARIABLE})
_KEY_METHODS = frozenset({"add", "get", "setdefault", "pop", "discard", "remove", "__contains__"})


# Findings of these families show that a module builds a TF1 graph (summaries and logging do not).
_GRAPH_MODE_FAMILIES = ("TFM1", "TFM2", "TFM3", "TFM6", "TFM70", "TFM71")
_NOT_GRAPH_MODE = frozenset({"TFM704"})


class _GraphModeOperators(TracksBindings):
    """Reports only in modules that show TF1 graph mode: an import of `tensorflow.compat.v1`, a
    `feed_dict=`, or a call of a symbol that a graph, session, training, variables/layers,
    Estimator, checkpoint or input-pipeline rule owns (`tf.Session`, `tf.placeholder`,
    `tf.get_variable`, `tf.train.AdamOptimizer`, ...). In TF2 code the operators mean what TF2
    says, and reporting them there would only be noise."""

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._graph_mode = False
        self._pending: list[tuple[cst.CSTNode, str]] = []

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        if any(dotted_name(alias.name) == "tensorflow.compat.v1" for alias in node.names):
            self._graph_mode = True

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        module = dotted_name(node.module) if node.module is not None else None
        if module is not None and module.startswith("tensorflow.compat"):
            self._graph_mode = True

    def visit_Call(self, node: cst.Call) -> None:
        if self._graph_mode:
            return
        if any(arg.keyword is not None and arg.keyword.value == "feed_dict" for arg in node.args):
            self._graph_mode = True
            return
        name = self.tf_name(node.func)
        found = symbol_owner(name) if name is not None else None
        if found is not None:
            code = found[0].code
            self._graph_mode = code.startswith(_GRAPH_MODE_FAMILIES) and code not in _NOT_GRAPH_MODE

    def defer(self, node: cst.CSTNode, message: str) -> None:
        self._pending.append((node, message))

    def leave_Module(self, original_node: cst.Module) -> None:
        if self._graph_mode:
            for node, message in self._pending:
                self.report(node, message)


class TensorEquality(_GraphModeOperators):
    """## What it does
    Reports `==` and `!=` where one side holds a tensor, variable or placeholder, as found by
    `tf_migrate.analysis.tensor_names` (names assigned from TensorFlow ops, `tf.Variable`,
    `tf.get_variable`, placeholders, and arithmetic, slicing or ordering on them). Comparisons
    with `None` are left alone: they give the same answer in both versions. Only modules that
    show TF1 graph mode are checked: an import of `tensorflow.compat.v1`, a `feed_dict=`, or a
    call of a graph, session, training, variables/layers, Estimator, checkpoint or input-pipeline
    symbol (`tf.Session`, `tf.placeholder`, `tf.get_variable`, ...); in TF2 code `==` already
    means what TF2 says.

    ## Why is this bad?
    In TF1 graph mode `t1 == t2` and `t != 0` are Python identity comparisons that give a bool
    (`t != 0` is always `True`). In TF2 they compare elementwise and give a boolean tensor, so
    an `if t == u:` changes meaning or raises.

    ## Example
    ```python
    if logits == previous:
        ...
    ```

    ## Use instead
    ```python
    if logits is previous:  # the TF1 meaning
        ...
    same = tf.reduce_all(tf.equal(logits, previous))  # what was probably meant
    ```

    ## Fix safety
    Manual: whether identity or value equality was meant is for a person to decide.
    """

    code = "TFM110"
    name = "tensor-equality"
    message = (
        "`{expr}` compares tensors: identity (a Python bool) in TF1 graph mode, elementwise (a "
        "tensor) in TF2; write `is`/`is not` for identity or `tf.equal`/`tf.not_equal` for values"
    )
    examples = (
        Valid("import tensorflow as tf\nx = tf.constant(1)\nok = x is None\n"),
        Valid("import numpy as np\nx = np.ones(3)\nsame = x == x\n"),
        Valid("import tensorflow as tf\nx = tf.constant(1)\nx = sess.run(x)\nok = x == 1\n"),
        Valid("import tensorflow as tf\nx = tf.constant(1)\nok = x == 1\n"),
        Invalid("import tensorflow.compat.v1 as tf\nx = tf.constant(1)\nok = x == 1\n"),
        Invalid(
            "import tensorflow as tf\nv = tf.get_variable('v', [])\nw = v * 2\nif w != v:\n"
            "    pass\n"
        ),
    )

    def visit_Comparison(self, node: cst.Comparison) -> None:
        left = node.left
        for target in node.comparisons:
            right = target.comparator
            if (
                isinstance(target.operator, cst.Equal | cst.NotEqual)
                and not _is_none(left)
                and not _is_none(right)
                and (self.bindings.is_tensor(left) or self.bindings.is_tensor(right))
            ):
                self.defer(node, self.message.format(expr=self.code_of(node)))
                return
            left = right


class TensorHash(_GraphModeOperators):
    """## What it does
    Reports tensors and variables used as dict keys or set elements: in dict and set displays
    and comprehensions, `set([...])`, `d[t]`, `t in d`, and `d.get(t)`/`s.add(t)`-style calls on a
    name that holds a dict or set. Which names hold tensors is found by
    `tf_migrate.analysis.tensor_names`. Placeholders used as `feed_dict` keys are reported by
    TFM101/TFM104 instead, as is any dict passed as `feed_dict=`. As for TFM110, only modules
    that show TF1 graph mode are checked.

    ## Why is this bad?
    TF1 graph tensors and variables hash by identity. TF2 tensors and variables are unhashable:
    `{t: 1}` raises `TypeError: Tensor is unhashable`.

    ## Example
    ```python
    scale = {logits: 2.0}
    ```

    ## Use instead
    ```python
    scale = {logits.ref(): 2.0}  # and `ref.deref()` to get the tensor back
    ```

    ## Fix safety
    Manual: every lookup of the key must change with it.
    """

    code = "TFM111"
    name = "tensor-hash"
    message = (
        "`{expr}` is a tensor used as a dict key or set element: TF2 tensors and variables are "
        "unhashable; key by `{expr}.ref()` (`.deref()` gives it back) or by a name"
    )
    examples = (
        Valid("import tensorflow as tf\nx = tf.placeholder(tf.float32)\nfeed = {x: 1.0}\n"),
        Valid("import tensorflow as tf\ny = tf.constant(1)\nsess.run(y, feed_dict={y: 2})\n"),
        Valid("import tensorflow as tf\nx = tf.constant(1)\nd = {x.ref(): 1}\n"),
        Valid("import tensorflow as tf\nx = tf.constant(1)\nd = {x: 1}\n"),
        Invalid("import tensorflow.compat.v1 as tf\nx = tf.constant(1)\nd = {x: 1}\n"),
        Invalid(
            "import tensorflow as tf\nv = tf.Variable(1.0)\nseen = set()\nseen.add(v)\n"
            "sess = tf.Session()\n"
        ),
        Invalid("import tensorflow as tf\nv = tf.get_variable('v', [])\ns = {v, v}\n"),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._fed: set[cst.CSTNode] = set()

    def _check(self, key: cst.BaseExpression) -> None:
        if self.bindings.kind_of(key) in _HASHED_KINDS:
            self.defer(key, self.message.format(expr=self.code_of(key)))

    def visit_Dict(self, node: cst.Dict) -> None:
        if node in self._fed:
            return
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                self._check(element.key)

    def visit_Set(self, node: cst.Set) -> None:
        for element in node.elements:
            self._check(element.value)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._check(node.key)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._check(node.elt)

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        func = node.func
        for index, arg in enumerate(node.args):
            is_feed = arg.keyword is not None and arg.keyword.value == "feed_dict"
            positional_feed = (
                index == 1
                and arg.keyword is None
                and isinstance(func, cst.Attribute)
                and func.attr.value in ("run", "partial_run")
            )
            if is_feed or positional_feed:
                self._fed.add(arg.value)
        if not node.args:
            return
        first = node.args[0].value
        if dotted_name(func) in ("set", "frozenset", "dict.fromkeys"):
            if isinstance(first, cst.List | cst.Tuple):
                for element in first.elements:
                    self._check(element.value)
        elif (
            isinstance(func, cst.Attribute)
            and func.attr.value in _KEY_METHODS
            and self.bindings.kind_of(func.value) is ValueKind.CONTAINER
        ):
            self._check(first)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.bindings.kind_of(node.value) is not ValueKind.CONTAINER or len(node.slice) != 1:
            return
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            self._check(index.value)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        left = node.left
        for target in node.comparisons:
            container = target.comparator
            if (
                isinstance(target.operator, cst.In | cst.NotIn)
                and self.bindings.kind_of(container) is ValueKind.CONTAINER
            ):
                self._check(left)
            left = container


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
