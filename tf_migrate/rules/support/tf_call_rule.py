"""The base of rules that rewrite a call into a call of a TF2 function."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.dotted import root_name
from tf_migrate.rules.support.rule import NeededImport, Rule, UnusedImport
from tf_migrate.rules.support.tf_names import tf_target


class TfCallRule(Rule):
    """Shared by the rules that rewrite a call to a TF2 function: the TF2 name in the file's own
    spelling (`tensorflow.x` stays `tensorflow.x`; `from tensorflow import x` needs `tf`)."""

    def tf_target(
        self, func: cst.BaseExpression, target: str
    ) -> tuple[cst.BaseExpression, tuple[NeededImport, ...], tuple[UnusedImport, ...]]:
        return tf_target(self, func, target)

    def tf_alias(self, func: cst.BaseExpression) -> str | None:
        """The name `func` reaches the tensorflow module through (`tf` in `tf.nn.x`), if any."""
        root = root_name(func)
        if root is not None and isinstance(func, cst.Attribute) and self.tf_name(root) == "tf":
            return root.value
        return None
