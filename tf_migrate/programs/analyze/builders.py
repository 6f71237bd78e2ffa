"""Which graph builders can be written out at their one call, so that the session rewrite sees
one program (emit/inline.py writes them out).

TF1 scripts often build the model in a function (`x, y, loss, train_op = build_model(0.1)`)
and run it elsewhere. The function creates variables and placeholders, which TF2 code must
create once, outside the functions that compute per run. When the builder is called exactly
once, at the top level of the program, its body is the program's graph-building code: it is
written out at the call (parameters bound to the arguments, the returned names bound to the
call's targets) and the function disappears. So is a class whose only method, `__init__`,
builds the graph into `self.x` attributes, instantiated once and read only as `model.x`. Only
done when no name of the function can meet another of the program's names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import (
    bindings,
    fresh_name,
    function_globals,
    function_locals,
    reads,
)
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.arg_scopes import ARG_SCOPES
from tf_migrate.programs.analyze.builder_results import Results, call_results, dict_results
from tf_migrate.programs.analyze.layer_table import LAYERS
from tf_migrate.programs.analyze.recurrent import is_recurrent_call
from tf_migrate.programs.analyze.syntax import is_docstring
from tf_migrate.programs.model import WrittenOut

TfName = Callable[[cst.CSTNode], str | None]

# What makes a function a graph builder: it creates graph state (variables, placeholders,
# layers, training ops) that TF2 must create once.
_BUILDING = frozenset({sym.VARIABLE, *sym.PLACEHOLDERS})


@dataclass
class _Call:
    line: cst.SimpleStatementLine
    call: cst.Call
    targets: cst.BaseExpression | None  # None: the result is unused


class _BuilderFinder(cst.CSTVisitor):
    def __init__(self, tf_name: TfName) -> None:
        super().__init__()
        self.tf_name = tf_name
        self.builds = False

    def visit_Call(self, node: cst.Call) -> None:
        name = self.tf_name(node.func)
        if name in _BUILDING or name in LAYERS or is_recurrent_call(name) or (
                name or "").startswith(("tf.train.", "tf.layers.")):
            self.builds = True
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "minimize":
            self.builds = True


def builds_graph(definition: cst.FunctionDef | cst.ClassDef, tf_name: TfName) -> bool:
    """Whether a function or class creates graph state (variables, placeholders, training
    ops) that TF2 must create once."""
    finder = _BuilderFinder(tf_name)
    _walk_visit(definition.body, finder)
    return finder.builds


def plain_function(function: cst.FunctionDef) -> bool:
    """No decorators, not async, only positional-or-keyword parameters."""
    params = function.params
    return not (function.decorators or function.asynchronous is not None
                or isinstance(params.star_arg, cst.Param | cst.ParamStar)
                or params.star_kwarg is not None or params.kwonly_params
                or params.posonly_params)


def _straight_line(statements: Sequence[cst.BaseStatement], tf_name: TfName | None = None
                   ) -> list[cst.BaseStatement] | None:
    """The statements, when they are simple lines without `return`, `global` or `nonlocal`, or
    (given `tf_name`) blocks of slim's `arg_scope` or `tf.name_scope` around such lines, which
    the program dedents where they are written out."""
    lines: list[cst.BaseStatement] = []
    for statement in statements:
        if isinstance(statement, cst.With) and tf_name is not None and _scoping(
                statement, tf_name):
            assert isinstance(statement.body, cst.IndentedBlock)
            if _straight_line(statement.body.body, tf_name) is None:
                return None
            lines.append(statement)
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        if any(isinstance(s, cst.Return | cst.Global | cst.Nonlocal) for s in statement.body):
            return None
        lines.append(statement)
    return lines


def _scoping(statement: cst.With, tf_name: TfName) -> bool:
    """`with slim.arg_scope(...):` or `with tf.name_scope(...):`, one context, no `as`."""
    if len(statement.items) != 1 or statement.items[0].asname is not None or not isinstance(
            statement.body, cst.IndentedBlock):
        return False
    context = statement.items[0].item
    return isinstance(context, cst.Call) and (
        tf_name(context.func) in {*ARG_SCOPES, "tf.name_scope"})


def _returned(line: cst.BaseStatement) -> cst.BaseExpression | None:
    """The value of `return value`, else None."""
    if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and isinstance(
            line.body[0], cst.Return):
        return line.body[0].value
    return None


def _simple_body(function: cst.FunctionDef, tf_name: TfName | None = None
                 ) -> tuple[list[cst.BaseStatement], cst.BaseExpression] | None:
    """The statements before the final `return value`, and the value, when the body is
    straight-line code; a `return` ending a scoping block (given `tf_name`) returns after it."""
    if not plain_function(function) or not isinstance(function.body, cst.IndentedBlock):
        return None
    if not function.body.body:
        return None
    *body, last = function.body.body
    if isinstance(last, cst.With) and tf_name is not None and _scoping(last, tf_name):
        assert isinstance(last.body, cst.IndentedBlock)
        *inner, returned = last.body.body
        value = _returned(returned)
        if value is None:
            return None
        if not isinstance(value, cst.Name):
            # Computed inside the scope, as TF1 did (its layers take the scope's arguments),
            # under a name the function's result is read by.
            name = fresh_name(f"{function.name.value}_result", _all_names([function]) | {
                n for n, _ in bindings(function.body.body)})
            inner.append(cst.SimpleStatementLine([cst.Assign(
                [cst.AssignTarget(cst.Name(name))], value)]))
            returned = cst.SimpleStatementLine([cst.Return(cst.Name(name))])
        body.append(last.with_changes(body=last.body.with_changes(body=inner)))
        last = returned
    if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1
            and isinstance(last.body[0], cst.Return) and last.body[0].value is not None):
        return None
    lines = _straight_line(body, tf_name)
    return None if lines is None else (lines, last.body[0].value)


def _calls(body: Sequence[cst.BaseStatement], name: str) -> list[_Call]:
    """Top-level statements of `body` (and of its `with` blocks) that call `name`."""
    found: list[_Call] = []
    for statement in body:
        if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
            found.extend(_calls(statement.body.body, name))
            continue
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        value = small.value if isinstance(small, cst.Assign | cst.Expr) else None
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)
                and value.func.value == name):
            continue
        if isinstance(small, cst.Assign):
            if len(small.targets) != 1:
                continue
            found.append(_Call(statement, value, small.targets[0].target))
        else:
            found.append(_Call(statement, value, None))
    return found


def _arguments(params: Sequence[cst.Param], call: cst.Call
               ) -> list[tuple[str, cst.BaseExpression]] | None:
    """Each parameter with what `call` passes it, or its default; those passed a name of their
    own (`rate=rate`) are left out, as nothing needs binding."""
    bound = bind_args(call, tuple(param.name.value for param in params))
    if bound is None:
        return None
    result: list[tuple[str, cst.BaseExpression]] = []
    for param in params:
        value = bound.get(param.name.value, param.default)
        if value is None:
            return None
        if not (isinstance(value, cst.Name) and value.value == param.name.value):
            result.append((param.name.value, value))
    return result


def _all_names(nodes: Sequence[cst.CSTNode | None]) -> set[str]:
    """Names the nodes bind or read in their own scope (a function contributes its name and the
    globals it reads, not its locals)."""
    names: set[str] = set()
    for node in nodes:
        if node is None:
            continue
        if isinstance(node, cst.FunctionDef):
            names |= {node.name.value} | function_globals(node)
            continue
        names |= {n.value for n in reads(node)}
        names |= {name for name, _ in bindings([node])}
    return names


def written_out(module: cst.Module, scope: cst.FunctionDef | cst.If | None, tf_name: TfName
                ) -> list[WrittenOut]:
    """Every graph builder called once in the program's body that can be written out at its
    call, functions first, then classes."""
    body: Sequence[cst.BaseStatement] = module.body
    if scope is not None:
        assert isinstance(scope.body, cst.IndentedBlock)
        body = scope.body.body
    found: list[WrittenOut] = []
    for function in module.body:
        if isinstance(function, cst.FunctionDef) and function is not scope:
            plan = _function(function, module, scope, body, tf_name)
            if plan is not None:
                found.append(plan)
    for cls in module.body:
        if isinstance(cls, cst.ClassDef):
            plan = _class(cls, module, scope, body, tf_name)
            if plan is not None:
                found.append(plan)
    return found


def _function(function: cst.FunctionDef, module: cst.Module,
              scope: cst.FunctionDef | cst.If | None, body: Sequence[cst.BaseStatement],
              tf_name: TfName) -> WrittenOut | None:
    name = function.name.value
    if not builds_graph(function, tf_name):
        return None
    calls = _calls(body, name)
    everywhere = sum(1 for statement in module.body if statement is not function
                     for n in reads(statement) if n.value == name)
    simple = _simple_body(function, tf_name)
    if len(calls) != 1 or everywhere != 1 or simple is None:
        return None
    statements, returned = simple
    site = calls[0]
    arguments = _arguments(function.params.params, site.call)
    local = function_locals(function) | {p.name.value for p in function.params.params} | {
        bound for bound, _ in bindings(statements)}  # with a result named inside a scope
    if arguments is not None:
        # A parameter passed the name of its own (`build(images)` for `def build(images)`)
        # is the caller's value under the caller's name: no name to keep apart, unless the
        # body binds it again.
        same = {p.name.value for p in function.params.params} - {n for n, _ in arguments}
        rebound = {bound for bound, _ in bindings(statements)}
        local -= same - rebound
    others = _all_names([s for s in module.body if s is not function and s is not scope])
    if scope is not None:
        others |= _all_names([s for s in body if s is not site.line])
    if isinstance(scope, cst.FunctionDef):
        others |= {p.name.value for p in scope.params.params}
    targets = _all_names([site.targets]) if site.targets is not None else set()
    keyed = None
    if isinstance(site.targets, cst.Name) and isinstance(returned, cst.Dict):
        rest = [s for s in body if s is not site.line]
        keyed = dict_results(site.targets, returned, rest, local | others)
    results: Results | None
    renames: dict[str, str] = {}
    uses: dict[int, str] = {}
    if keyed is not None:
        entries, uses = keyed
        results = [(key, value) for key, value in entries]
        # The names the result lines bind: their keys, and whatever their values bind.
        local |= {key for key, _ in entries}
        local |= {bound for bound, _ in bindings(value for _, value in entries)}
        targets = set()
    else:
        found = call_results(site.targets, returned, local)
        results, renames = (None, {}) if found is None else found
    if arguments is None or results is None:
        return None
    if renames and (_binds_in_nested_scopes(statements, set(renames)) or set(renames) & {
            p.name.value for p in function.params.params}):
        return None
    # Its names the program uses otherwise (a global `batch_size` beside a local one) take
    # fresh names where it is written out.
    clashing = (local & (others - targets) | local & _all_names([site.call])) - set(renames)
    if clashing and (_binds_in_nested_scopes(statements, clashing) or keyed is not None):
        return None
    taken = others | local | targets | _all_names([site.call]) | set(renames.values())
    renames.update({name: fresh_name(name, taken) for name in sorted(clashing)})
    # A parameter passed a name of its own is bound to it after all when it is renamed.
    passed = {param for param, _ in arguments}
    arguments += [(p.name.value, cst.Name(p.name.value)) for p in function.params.params
                  if p.name.value in clashing and p.name.value not in passed]
    if any(name in local for name in targets - local):
        return None
    lines = [statement for statement in statements if not is_docstring(statement)]
    if not (arguments or lines or results):
        return None
    return WrittenOut(name, function, site.line, arguments, lines, renames=renames,
                      results=results, uses=uses)


def owner_attribute(node: cst.BaseExpression, owner: str) -> str | None:
    """`x` for `owner.x` (`self.x`, `model.x`), else None."""
    if (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name)
            and node.value.value == owner):
        return node.attr.value
    return None


class _Attributes(cst.CSTVisitor):
    """`owner.attr` nodes of one name, and whether the name is used any other way."""

    def __init__(self, owner: str) -> None:
        super().__init__()
        self.owner = owner
        self.found: list[tuple[cst.Attribute, str]] = []
        self.other = 0

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        attr = owner_attribute(node, self.owner)
        if attr is not None:
            self.found.append((node, attr))
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.owner:
            self.other += 1


def _class(cls: cst.ClassDef, module: cst.Module, scope: cst.FunctionDef | cst.If | None,
           body: Sequence[cst.BaseStatement], tf_name: TfName) -> WrittenOut | None:
    """A class whose `__init__` builds the graph into `self.x` attributes, instantiated once
    and read only as `model.x`: written out at its instantiation, `self.x` and `model.x`
    becoming the name `x` (or `model_x` where `x` is taken)."""
    statements_of_class = [s for s in cls.body.body if not is_docstring(s)] if isinstance(
        cls.body, cst.IndentedBlock) else []
    if cls.decorators or any(a.value is not None and not (
            isinstance(a.value, cst.Name) and a.value.value == "object") for a in cls.bases):
        return None
    if len(statements_of_class) != 1 or not isinstance(statements_of_class[0], cst.FunctionDef):
        return None
    init = statements_of_class[0]
    params = init.params.params
    if init.name.value != "__init__" or not params or not builds_graph(init, tf_name):
        return None
    if not plain_function(init) or not isinstance(init.body, cst.IndentedBlock):
        return None
    straight = _straight_line(init.body.body)
    if straight is None:
        return None
    statements = [s for s in straight if not is_docstring(s)]
    owner = params[0].name.value
    calls = _calls(body, cls.name.value)
    everywhere = sum(1 for statement in module.body if statement is not cls
                     for n in reads(statement) if n.value == cls.name.value)
    if len(calls) != 1 or everywhere != 1 or not isinstance(calls[0].targets, cst.Name):
        return None
    site = calls[0]
    instance = site.targets.value if isinstance(site.targets, cst.Name) else ""
    arguments = _arguments(params[1:], site.call)
    if arguments is None:
        return None
    inside = _Attributes(owner)
    for statement in statements:
        _walk_visit(statement, inside)
    attributes = list(dict.fromkeys(attr for _, attr in inside.found))
    if inside.other:
        return None  # `self` passed or used other than through its attributes
    rest = [s for s in body if s is not site.line and s is not cls]
    outside = _Attributes(instance)
    for other in rest:
        _walk_visit(other, outside)
    if outside.other or any(attr not in attributes for _, attr in outside.found):
        return None
    local = function_locals(init) | {p.name.value for p in params[1:]}
    others = _all_names([s for s in module.body if s is not cls and s is not scope])
    others |= _all_names(rest)
    if isinstance(scope, cst.FunctionDef):
        others |= {p.name.value for p in scope.params.params}
    if local & others or local & _all_names([site.call]):
        return None
    names: dict[str, str] = {}
    taken = local | others | {instance}
    for attr in attributes:
        name = attr if attr not in taken else f"{instance}_{attr}"
        if name in taken:
            return None
        names[attr] = name
        taken.add(name)
    if _binds_in_nested_scopes(statements, set(names.values()) | local):
        return None
    if not (arguments or statements):
        return None
    uses = {id(node): names[attr] for node, attr in outside.found}
    return WrittenOut(cls.name.value, cls, site.line, arguments, statements, owner=owner,
                      attributes=names, uses=uses)


def _binds_in_nested_scopes(statements: Sequence[cst.BaseStatement], names: set[str]) -> bool:
    """Whether a lambda or comprehension in the statements binds one of the names (renaming
    would change it too)."""
    finder = _NestedBindings()
    for statement in statements:
        _walk_visit(statement, finder)
    return bool(finder.found & names)


class _NestedBindings(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.found |= {p.name.value for p in node.params.params}

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.found |= {n for n, _ in bindings([node.target])} | set(
            n.value for n in reads(node.target))
