"""A rule base that keeps `analysis.tensor_names.Bindings` up to date while the rule visits."""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from tf_migrate.analysis.tensor_names import Bindings, ValueKind
from tf_migrate.rules.support.rule import Rule, RuleOptions


class TracksBindings(Rule):
    """Subclasses read `self.bindings.kind_of(expr)`; overriding a scope or assignment hook here
    must call `super()`."""

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self.bindings = Bindings(self.tf_name)
        self.imports_tensorflow = False
        self.module: cst.Module | None = None

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.module = node

    def code_of(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node) if self.module is not None else ""

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        for alias in node.names:
            self._note_import(get_full_name_for_node(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        if node.module is not None:
            self._note_import(get_full_name_for_node(node.module))

    def _note_import(self, module: str | None) -> None:
        if module is not None and module.split(".")[0] == "tensorflow":
            self.imports_tensorflow = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bindings.enter_function(node.params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.bindings.leave_scope()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.bindings.enter_function(node.params)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.bindings.leave_scope()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.bindings.enter_class()

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.bindings.leave_scope()

    # Bind on leave: the right-hand side is evaluated with the names' previous values.
    def leave_Assign(self, original_node: cst.Assign) -> None:
        for target in original_node.targets:
            self.bindings.bind(target.target, original_node.value)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        self.bindings.bind(original_node.target, original_node.value)

    def leave_AugAssign(self, original_node: cst.AugAssign) -> None:
        target, value = original_node.target, original_node.value
        if self.bindings.is_tensor(target) or self.bindings.is_tensor(value):
            self.bindings.bind_kind(target, ValueKind.TENSOR)
        elif self.bindings.kind_of(target) is not ValueKind.CONTAINER:
            self.bindings.bind_kind(target, None)

    def leave_WithItem(self, original_node: cst.WithItem) -> None:
        if original_node.asname is not None:
            self.bindings.bind(original_node.asname.name, original_node.item)

    def visit_For(self, node: cst.For) -> None:
        self.bindings.bind_loop(node.target, node.iter)
