"""The module around a model class rewritten as a `tf.Module` (analyze/class_instances.py):
the class in its place, the script's sessions gone (`with tf.Session() as s:` blocks dedented,
their creation, closing and initializer runs removed, their comments and blank lines left to
the next statement) and the session argument gone from every instantiation."""

from __future__ import annotations

import libcst as cst

from tf_migrate.programs.emit.rewrites import without_session
from tf_migrate.programs.emit.sessions_gone import WithoutSessions
from tf_migrate.programs.model import ClassUses, ModelClass


class _Uses(WithoutSessions):
    def __init__(self, plan: ModelClass, uses: ClassUses, cls: cst.ClassDef,
                 compat: cst.Import | None) -> None:
        super().__init__(uses)
        self.plan = plan
        self.compat = compat
        self.uses = uses
        self.cls = cls
        self.instantiations = {id(call) for call in uses.instantiations}

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return node is not self.plan.definition

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.BaseStatement]:
        if original_node is self.plan.definition:
            return self.cls
        if original_node is self.compat:
            assert isinstance(updated_node, cst.Import)
            alias = updated_node.names[0]
            return updated_node.with_changes(names=[alias.with_changes(name=cst.Name(
                "tensorflow"))])
        if id(original_node) in self.instantiations and self.plan.given is not None:
            return without_session(updated_node, self.plan.given)
        return super().on_leave(original_node, updated_node)


def rewrite_uses(module: cst.Module, plan: ModelClass, uses: ClassUses, cls: cst.ClassDef,
                 compat: cst.Import | None) -> cst.Module:
    """The module with the class replaced by `cls` and the code around it rewritten; `compat`:
    `import tensorflow.compat.v1 as tf`, which imports TF2 instead."""
    result = module.visit(_Uses(plan, uses, cls, compat))
    assert isinstance(result, cst.Module)
    return result
