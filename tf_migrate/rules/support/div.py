"""`tf.div` calls and whether their operands are provably floating point, decided once the whole
module is seen (a name may be assigned after the function that uses it is defined)."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping

import libcst as cst

from tf_migrate.cst.dotted import last_name
from tf_migrate.rules.support.dtypes import ScopeAssignments, ScopeTracking, is_float
from tf_migrate.rules.support.rule import Rule, RuleOptions

DIV_NAMES = ("tf.div",)
DIV_LAST_NAMES = frozenset(name.rsplit(".", 1)[1] for name in DIV_NAMES)

Scope = dict[str, list[cst.BaseExpression | None]]


class DivCalls(ScopeTracking, Rule):
    """Collects `tf.div(a, b)` calls with the scope they appear in; `on_div` runs per call at the
    end of the module with whether both operands are provably floating point."""

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._scopes = ScopeAssignments()
        self._module_scope: Scope = self._scopes.current
        self._pending: list[tuple[cst.Call, str, Scope]] = []

    def visit_Call(self, node: cst.Call) -> None:
        if last_name(node.func) not in DIV_LAST_NAMES:
            return
        name = self.tf_name(node.func)
        if name in DIV_NAMES:
            self._pending.append((node, name, self._scopes.current))

    def leave_Module(self, original_node: cst.Module) -> None:
        for call, name, scope in self._pending:
            view: Mapping[str, list[cst.BaseExpression | None]] = (
                scope if scope is self._module_scope else ChainMap(scope, self._module_scope)
            )
            self.on_div(call, name, self._operands_float(call, dict(view)))

    def _operands_float(self, call: cst.Call, scope: Scope) -> bool:
        if any(a.star for a in call.args):
            return False
        positional = [a.value for a in call.args if a.keyword is None][:2]
        keywords = [a.value for a in call.args if a.keyword and a.keyword.value in ("x", "y")]
        operands = positional + keywords
        if len(operands) != 2:
            return False
        return all(is_float(operand, self.tf_name, scope) for operand in operands)

    def on_div(self, call: cst.Call, name: str, operands_float: bool) -> None:
        raise NotImplementedError
