"""Small syntax helpers of the graph-program analysis."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.names import bindings
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.code import code
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.model import Context


def call_name(ctx: Context, node: cst.BaseExpression) -> str | None:
    """The TF symbol a call calls (`tf.placeholder(...)` -> "tf.placeholder"), or None."""
    return ctx.tf_name(node.func) if isinstance(node, cst.Call) else None


def compat_v1_import(module: cst.Module) -> tuple[cst.Import, str] | None:
    """`import tensorflow.compat.v1 as tf` at the top level: the import and its alias."""
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.Import) or len(small.names) != 1:
                continue
            alias = small.names[0]
            if alias.asname is None or not isinstance(alias.asname.name, cst.Name):
                continue
            if code(alias.name) == "tensorflow.compat.v1":
                return small, alias.asname.name.value
    return None


def tf_alias(module: cst.Module) -> str | None:
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if isinstance(alias.name, cst.Name) and alias.name.value == "tensorflow":
                        asname = alias.asname
                        if asname is None:
                            return "tensorflow"
                        if isinstance(asname.name, cst.Name):
                            return asname.name.value
    return None


def literal_dtype(node: cst.BaseExpression | None) -> str | None:
    """The dtype TF infers for a Python literal default: "float32", "int32" or "bool"."""
    kinds: set[str] = set()

    def visit(value: cst.BaseExpression) -> bool:
        if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
            return visit(value.expression)
        if isinstance(value, cst.Float):
            kinds.add("float32")
        elif isinstance(value, cst.Integer):
            kinds.add("int32")
        elif isinstance(value, cst.Name) and value.value in ("True", "False"):
            kinds.add("bool")
        elif isinstance(value, cst.List | cst.Tuple):
            return all(visit(element.value) for element in value.elements)
        else:
            return False
        return True

    if node is None or not visit(node) or not kinds:
        return None
    if kinds == {"float32", "int32"}:
        kinds = {"float32"}
    if len(kinds) != 1:
        return None
    return kinds.pop()


def is_docstring(statement: cst.BaseStatement) -> bool:
    """A statement that is only a string literal (a docstring where it comes first)."""
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString))


def imported_names(module: cst.Module) -> set[str]:
    """Names the module's top-level imports bind."""
    return {name for statement in module.body if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body if isinstance(small, cst.Import | cst.ImportFrom)
            for name, _ in bindings([small])}


def made_default(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """What `x.as_default()` (no arguments) makes the default (`x`), or None."""
    if (isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "as_default"):
        return node.func.value
    return None


def bound_value(name: str, body: list[cst.BaseStatement]
                ) -> tuple[cst.BaseExpression | None, list[cst.BaseStatement]]:
    """The value of the one statement of `body` that binds `name` alone (`name = value`), and
    the other statements; None when `name` is bound otherwise or more than once."""
    found: cst.BaseExpression | None = None
    rest: list[cst.BaseStatement] = []
    for line in body:
        small = line.body[0] if isinstance(line, cst.SimpleStatementLine) and len(
            line.body) == 1 else None
        if (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
                and small.targets[0].target.value == name):
            if found is not None:
                return None, body
            found = small.value
            continue
        if name in {n for n, _ in bindings([line])}:
            return None, body
        rest.append(line)
    return found, rest


def _switch_line(ctx: Context, line: cst.BaseStatement, switches: frozenset[str]) -> bool:
    """A line a version switch may hold: a TF1-mode switch call, an import of TensorFlow (the
    compat.v1 module under the script's alias) or `pass`."""
    if not isinstance(line, cst.SimpleStatementLine):
        return False
    for small in line.body:
        if isinstance(small, cst.Pass):
            continue
        called = call_name(ctx, small.value) if isinstance(small, cst.Expr) else None
        if called is not None and called.replace("tf.compat.v1.", "tf.", 1) in switches:
            continue
        if isinstance(small, cst.Import) and all(
                code(alias.name) in ("tensorflow", "tensorflow.compat.v1")
                for alias in small.names):
            continue
        return False
    return True


class _VersionRead(cst.CSTVisitor):
    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.found = False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in ("__version__", "VERSION") and self.ctx.tf_name(node) in (
                "tf.__version__", "tf.VERSION", "tf.version.VERSION"):
            self.found = True


def version_switch(ctx: Context, stmt: cst.If, switches: frozenset[str]) -> bool:
    """`if tf.__version__.startswith("1."): tf.disable_eager_execution() else: import
    tensorflow.compat.v1 as tf; tf.disable_v2_behavior()`: a prelude that runs a script in TF1
    mode on either TensorFlow. The migrated script needs none of its branches."""
    reads = _VersionRead(ctx)
    _walk_visit(stmt.test, reads)
    if not reads.found:
        return False
    branch: cst.If | cst.Else | None = stmt
    while branch is not None:
        if not isinstance(branch.body, cst.IndentedBlock) or not all(
                _switch_line(ctx, line, switches) for line in branch.body.body):
            return False
        if isinstance(branch, cst.Else):
            break
        if isinstance(branch, cst.If):
            if branch is not stmt:
                _walk_visit(branch.test, reads)
            branch = branch.orelse
    return True


def star_imports(module: cst.Module) -> list[tuple[str, cst.SimpleStatementLine]]:
    """`from libs.utils import *` at the top level, but of TensorFlow and numeric modules: the
    module each names, with its line. What such an import binds is unknown to the analysis."""
    found = []
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar):
                dotted = "." * len(small.relative) + (
                    code(small.module) if small.module is not None else "")
                if dotted.split(".")[0] not in ("tensorflow", "numpy", "math", "scipy"):
                    found.append((dotted, stmt))
    return found


def is_name(node: cst.BaseExpression | None, *values: str) -> bool:
    """`node` is one of the names `values` (`None`, `True`, `False`, ...)."""
    return isinstance(node, cst.Name) and node.value in values


# TF 1.15's parameters of a variable scope and a name scope, but those that change what the
# variables made in it are (`initializer=`, `custom_getter=`, ...).
_SCOPE_PARAMS = ("name_or_scope", "default_name", "values", "reuse", "name")
NAMES_ONLY = "names only"  # a scope that only names what is made in it
AUTO_REUSE = "auto reuse"  # `reuse=tf.AUTO_REUSE`: the variables of one name are shared


def naming_scope(ctx: Context, call: cst.BaseExpression) -> str | None:
    """What a `tf.variable_scope(...)` or `tf.name_scope(...)` call does to what is made in it:
    NAMES_ONLY, AUTO_REUSE, or None for anything else (`reuse=True`, an initializer, a custom
    getter, arguments that cannot be read)."""
    if not isinstance(call, cst.Call) or call_name(ctx, call) not in ("tf.variable_scope",
                                                                      "tf.name_scope"):
        return None
    if any(arg.star for arg in call.args) or sum(arg.keyword is None for arg in call.args) > 3:
        return None
    kind = NAMES_ONLY
    for arg in call.args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword == "reuse":
            if ctx.tf_name(arg.value) == "tf.AUTO_REUSE":
                kind = AUTO_REUSE
            elif not is_name(arg.value, "None", "False"):
                return None
        elif keyword is not None and keyword not in _SCOPE_PARAMS:
            return None
    return kind


def scope_name(call: cst.Call) -> cst.BaseExpression | None:
    """The name a scope call gives (`name_or_scope`, or a name scope's `name`)."""
    bound = bind_args(call, ("name_or_scope", "default_name", "values", "reuse"))
    if bound is None:
        bound = bind_args(call, ("name", "default_name", "values"))
    if bound is None:
        return None
    return bound.get("name_or_scope", bound.get("name"))


def operand(node: cst.BaseExpression) -> str:
    """The node's source, in parentheses unless a name or a number: ready for an operator."""
    text = cst.Module([]).code_for_node(node)
    return text if isinstance(node, cst.Name | cst.Integer | cst.Float) else f"({text})"
