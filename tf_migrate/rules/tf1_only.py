"""TFM407: TF1 names that TF2 dropped and that no other rule rewrites or explains."""

from __future__ import annotations

from functools import cache

import libcst as cst

from tf_migrate.model import Applicability
from tf_migrate.rules.arguments_values import CASTS
from tf_migrate.rules.registry import owned_by_a_table_rule
from tf_migrate.rules.support.rule import Invalid, Rule, RuleOptions, Valid
from tf_migrate.rules.support.tf_names import tf_target
from tf_migrate.rules.tables import call_specs, compat_fallbacks, renames, tf1_only

# Where TF2 put the most common of these, for the message; the rest get the general advice.
_HINTS = {
    "tf.Print": "use `tf.print(...)` (it prints when it runs; no identity output to thread)",
    "tf.gfile": "use `tf.io.gfile` (functions are snake_case: `Exists` -> `exists`)",
    "tf.VERSION": "use `tf.version.VERSION`",
    "tf.GIT_VERSION": "use `tf.version.GIT_VERSION`",
    "tf.COMPILER_VERSION": "use `tf.version.COMPILER_VERSION`",
    "tf.glorot_uniform_initializer": "use `tf.keras.initializers.GlorotUniform()`",
    "tf.glorot_normal_initializer": "use `tf.keras.initializers.GlorotNormal()`",
    "tf.truncated_normal_initializer": (
        "use `tf.keras.initializers.TruncatedNormal(stddev=...)`; TF1's default stddev is 1.0, "
        "Keras' 0.05: pass it explicitly"
    ),
    "tf.random_normal_initializer": (
        "use `tf.keras.initializers.RandomNormal(stddev=...)`; TF1's default stddev is 1.0, "
        "Keras' 0.05: pass it explicitly"
    ),
    "tf.random_uniform_initializer": (
        "use `tf.keras.initializers.RandomUniform(minval, maxval)`; TF1's default range is "
        "[0, 1), Keras' [-0.05, 0.05): pass it explicitly"
    ),
    "tf.variance_scaling_initializer": "use `tf.keras.initializers.VarianceScaling(...)`",
    "tf.scatter_update": "use `variable.scatter_update(tf.IndexedSlices(...))`",
    "tf.substr": "use `tf.strings.substr(...)`",
}
_GENERAL = "TF2 has no such name; the TF2 migration guide lists its replacement"
_EXAMPLES = "tf.examples"
# Names TensorFlow renamed at 1.0 (same ops, same arguments); old tutorials still use them.
_PRE_1_0 = {"tf.mul": "tf.multiply", "tf.sub": "tf.subtract", "tf.neg": "tf.negative",
            "tf.pack": "tf.stack", "tf.unpack": "tf.unstack"}
# tf.gfile's functions and their tf.io.gfile names: the same file operations, whose parameters
# TF2 renamed (`filename` -> `path`), so a call passing them by position only is renamed.
_GFILE = {"tf.gfile.Exists": "tf.io.gfile.exists", "tf.gfile.MakeDirs": "tf.io.gfile.makedirs",
          "tf.gfile.MkDir": "tf.io.gfile.mkdir", "tf.gfile.IsDirectory": "tf.io.gfile.isdir",
          "tf.gfile.ListDirectory": "tf.io.gfile.listdir", "tf.gfile.Glob": "tf.io.gfile.glob",
          "tf.gfile.Remove": "tf.io.gfile.remove",
          "tf.gfile.DeleteRecursively": "tf.io.gfile.rmtree", "tf.gfile.Copy": "tf.io.gfile.copy",
          "tf.gfile.Rename": "tf.io.gfile.rename", "tf.gfile.Stat": "tf.io.gfile.stat",
          "tf.gfile.FastGFile": "tf.io.gfile.GFile"}
_GONE_MODULES = {
    "tensorflow.contrib": "tf.contrib was removed; each use has its own finding with the TF2 "
                          "replacement where one exists",
    "tensorflow.examples": "the tutorials' data loaders were removed (see `tf.keras.datasets`)",
}
_EXAMPLES_ADVICE = (
    "the tutorials' data loaders were removed; load MNIST with "
    "`tf.keras.datasets.mnist.load_data()` (uint8 images in 0-255 and integer labels, where "
    "`read_data_sets` gave floats in [0, 1] and, with `one_hot=True`, one-hot labels)"
)
# TF1 names handled by dedicated rules that are not tables (TFM404-TFM406).
_DEDICATED = frozenset({"tf.div", "tf.image.resize_images", "tf.set_random_seed"})


@cache
def _unclaimed() -> frozenset[str]:
    """TF1-only names no other rule claims: a use is reported here, once."""
    claimed = renames().keys() | call_specs().keys() | compat_fallbacks().keys() | CASTS.keys()
    return frozenset(
        name
        for name in tf1_only()
        if name not in claimed and name not in _DEDICATED and not owned_by_a_table_rule(name)
    )


def _hint(name: str) -> str:
    if name.startswith("tf.assert_"):
        return f"use `tf.debugging.{name[3:]}` (TF2 signature: check its arguments)"
    candidate = name
    while candidate:
        if candidate in _HINTS:
            return _HINTS[candidate]
        candidate = candidate.rpartition(".")[0]
    return _GENERAL


class TF1OnlySymbol(Rule):
    """## What it does
    Reports a TensorFlow 1.x name that TensorFlow 2 removed without a TF2 name for the same
    object, when no more specific rule handles it: `tf.Print`, `tf.gfile.Exists`,
    `tf.truncated_normal_initializer`, `tf.VERSION`, …. The list is generated from TensorFlow's
    own API (the names of `tf.compat.v1` that the TF2 namespace lacks) together with the renames.

    ## Why is this bad?
    The name raises `AttributeError` on TensorFlow 2. Unlike the renames (TFM401), there is no
    TF2 object that is the very same function, so choosing the replacement is a decision.

    ## Example
    ```python
    x = tf.Print(x, [x])
    ```

    ## Use instead
    ```python
    tf.print(x)
    ```

    Also reported: imports of modules TF2 removed (`tensorflow.contrib…`,
    `tensorflow.examples…`: the import itself fails), and TensorFlow 0.x names that old tutorials
    still use (`tf.mul`, `tf.sub`, `tf.neg`, `tf.pack`, `tf.unpack`).

    ## Fix safety
    No automatic fix: the TF2 replacements differ in signature or behaviour (initializer
    defaults, `tf.print` returning nothing). The message names the replacement where one is
    well known. The TensorFlow 0.x names are safe renames: TensorFlow 1.0 renamed those very
    ops (`tf.mul` is `tf.multiply`), arguments unchanged. So are `tf.gfile`'s functions called
    with positional arguments only (`tf.gfile.Exists(path)` -> `tf.io.gfile.exists(path)`,
    `FastGFile` -> `GFile`): the same file operations, whose parameters TF2 renamed.
    """

    code = "TFM407"
    name = "tf1-only-symbol"
    message = "`{name}` does not exist in TF2: {advice}"
    examples = (
        Valid("import tensorflow as tf\ntf.print(x)\nok = tf.io.gfile.exists('p')\n"),
        Valid("import tensorflow as tf\ny = tf.log(x)\n"),  # a rename: TFM401's
        Valid("import tensorflow as tf\nx = tf.placeholder(tf.float32)\n"),  # TFM101's
        Invalid("import tensorflow as tf\nx = tf.Print(x, [x])\n"),
        Invalid("import tensorflow.compat.v1 as tf\nfound = tf.gfile.Exists('data')\n",
                fixed="import tensorflow.compat.v1 as tf\nfound = tf.io.gfile.exists('data')\n"),
        Invalid(
            "from tensorflow import truncated_normal_initializer\n"
            "init = truncated_normal_initializer()\n"
        ),
        Invalid(
            "from tensorflow.examples.tutorials.mnist import input_data\n"
            "mnist = input_data.read_data_sets('data', one_hot=True)\n"
        ),
        Invalid("import tensorflow.contrib.slim as slim\n"),
        Invalid("import tensorflow as tf\ny = tf.mul(a, b)\n",
                fixed="import tensorflow as tf\ny = tf.multiply(a, b)\n"),
        Invalid("import tensorflow as tf\nif not tf.gfile.Exists(d):\n    tf.gfile.MakeDirs(d)\n",
                fixed="import tensorflow as tf\nif not tf.io.gfile.exists(d):\n"
                      "    tf.io.gfile.makedirs(d)\n"),
        Invalid("import tensorflow as tf\nfound = tf.gfile.Exists(filename=path)\n"),
        Invalid("from tensorflow.contrib.framework import nest\n"),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._inner: set[cst.CSTNode] = set()
        self._calls: dict[int, cst.Call] = {}  # calls by their function's node

    def visit_Call(self, node: cst.Call) -> None:
        self._calls[id(node.func)] = node

    # Importing a module TF2 removed fails before any use: the import line is reported too.
    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        for alias in node.names:
            self._check_module(alias, cst.Module([]).code_for_node(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        if node.module is not None and not node.relative:
            self._check_module(node, cst.Module([]).code_for_node(node.module))

    def _check_module(self, node: cst.CSTNode, module: str) -> None:
        for gone, advice in _GONE_MODULES.items():
            if module == gone or module.startswith(gone + "."):
                self.report(node, f"`{module}` does not exist in TF2 (importing it fails): "
                                  f"{advice}")
                return

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # Report the outermost chain only: `tf.gfile.Exists`, not also `tf.gfile`.
        self._inner.add(node.value)
        if node not in self._inner:
            self._check(node)

    def visit_Name(self, node: cst.Name) -> None:
        if node not in self._inner:
            self._check(node)

    def _check(self, node: cst.Attribute | cst.Name) -> None:
        name = self.tf_name(node)
        if name is None:
            return
        gfile = _GFILE.get(name)
        call = self._calls.get(id(node))
        if gfile is not None and call is not None and all(
                arg.keyword is None and not arg.star for arg in call.args):
            func, imports, removals = tf_target(self, node, gfile)
            self.report(node, self.message.format(name=name, advice=f"it is `{gfile}`"),
                        replacement=func, applicability=Applicability.SAFE, add_imports=imports,
                        remove_imports=removals, fix_title=f"Rename to `{gfile}`")
            return
        if name in _PRE_1_0:
            func, imports, removals = tf_target(self, node, _PRE_1_0[name])
            self.report(node, self.message.format(name=name, advice=(
                f"it is TensorFlow 0.x's name (gone since 1.0) for `{_PRE_1_0[name]}`")),
                replacement=func, applicability=Applicability.SAFE, add_imports=imports,
                remove_imports=removals, fix_title=f"Rename to `{_PRE_1_0[name]}`")
            return
        if name.startswith(_EXAMPLES + "."):
            # Not in TensorFlow's API listing, but shipped with TF1 and gone from TF2.
            self.report(node, self.message.format(name=name, advice=_EXAMPLES_ADVICE))
            return
        unclaimed = _unclaimed()
        candidate = name
        while candidate.count("."):
            if candidate in unclaimed:
                self.report(node, self.message.format(name=candidate, advice=_hint(candidate)))
                return
            candidate = candidate.rpartition(".")[0]
