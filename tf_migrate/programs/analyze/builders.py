"""Graph-builder functions inlined at their one call, so that the session rewrite sees one
program.

TF1 scripts often build the model in a function (`x, y, loss, train_op = build_model(0.1)`)
and run it elsewhere. The function creates variables and placeholders, which TF2 code must
create once, outside the functions that compute per run. When the builder is called exactly
once, at the top level of the program, its body is the program's graph-building code: it is
written out at the call (parameters bound to the arguments, the returned names bound to the
call's targets) and the function disappears. Only done when no name of the function can meet
another of the program's names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import bindings, function_globals, function_locals, reads
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.syntax import is_docstring

TfName = Callable[[cst.CSTNode], str | None]

# What makes a function a graph builder: it creates graph state (variables, placeholders,
# training ops) that TF2 must create once.
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
        if name in _BUILDING or (name or "").startswith("tf.train."):
            self.builds = True
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "minimize":
            self.builds = True


def _builds_graph(function: cst.FunctionDef, tf_name: TfName) -> bool:
    finder = _BuilderFinder(tf_name)
    _walk_visit(function.body, finder)
    return finder.builds


def _simple_body(function: cst.FunctionDef) -> tuple[list[cst.BaseStatement], cst.Return] | None:
    """The statements before the final `return value`, when the body is straight-line code."""
    if function.decorators or function.asynchronous is not None:
        return None
    params = function.params
    if isinstance(params.star_arg, cst.Param | cst.ParamStar) or (
        params.star_kwarg is not None or params.kwonly_params or params.posonly_params
    ):
        return None
    if not isinstance(function.body, cst.IndentedBlock) or not function.body.body:
        return None
    *body, last = function.body.body
    if not (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1
            and isinstance(last.body[0], cst.Return) and last.body[0].value is not None):
        return None
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        if any(isinstance(s, cst.Return | cst.Global | cst.Nonlocal) for s in statement.body):
            return None
    return body, last.body[0]


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


def _arguments(function: cst.FunctionDef, call: cst.Call
               ) -> list[tuple[str, cst.BaseExpression]] | None:
    """Each parameter of `function` with what `call` passes it, or its default."""
    params = list(function.params.params)
    bound = bind_args(call, tuple(param.name.value for param in params))
    if bound is None:
        return None
    result: list[tuple[str, cst.BaseExpression]] = []
    for param in params:
        value = bound.get(param.name.value, param.default)
        if value is None:
            return None
        result.append((param.name.value, value))
    return result


def _assign(target: cst.BaseAssignTargetExpression, value: cst.BaseExpression
            ) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(target)], value)])


def _results(targets: cst.BaseExpression | None, value: cst.BaseExpression, local: set[str]
             ) -> tuple[list[cst.SimpleStatementLine], dict[str, str]] | None:
    """The statements binding the call's targets to what the function returned, and the
    function's names to rename into the targets' (`inputs` returned into `x`: the placeholder
    is called `x` where it is created, so that it stays a placeholder, not an alias)."""
    if targets is None:
        return [], {}
    pairs: list[tuple[cst.BaseExpression, cst.BaseExpression]]
    if isinstance(targets, cst.Tuple | cst.List) and isinstance(value, cst.Tuple | cst.List):
        if len(targets.elements) != len(value.elements) or any(
            isinstance(e, cst.StarredElement) for e in (*targets.elements, *value.elements)
        ):
            return None
        pairs = [(t.value, v.value) for t, v in zip(targets.elements, value.elements,
                                                     strict=True)]
    elif isinstance(targets, cst.Name):
        pairs = [(targets, value)]
    else:
        return None
    lines: list[cst.SimpleStatementLine] = []
    renames: dict[str, str] = {}
    returned = [v.value for _, v in pairs if isinstance(v, cst.Name)]
    for target, result in pairs:
        if not isinstance(target, cst.Name):
            return None
        if isinstance(result, cst.Name) and result.value == target.value:
            continue
        if (isinstance(result, cst.Name) and result.value in local
                and returned.count(result.value) == 1 and target.value not in local):
            renames[result.value] = target.value
        else:
            lines.append(_assign(target, result))
    return lines, renames


class _Rename(cst.CSTTransformer):
    """Renames variables (not attributes or keywords) in inlined statements."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return True

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        renamed = self.names.get(original_node.value)
        return updated_node.with_changes(value=renamed) if renamed else updated_node


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


class _KeyedUses(cst.CSTVisitor):
    """`model["loss"]` reads of one name, with literal string keys."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found: list[tuple[cst.Subscript, str]] = []

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not (isinstance(node.value, cst.Name) and node.value.value == self.name
                and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index)):
            return
        key = node.slice[0].slice.value
        if isinstance(key, cst.SimpleString):
            value = key.evaluated_value
            if isinstance(value, str):
                self.found.append((node, value))


def _dict_result(target: cst.Name, value: cst.Dict, body: Sequence[cst.BaseStatement],
                 taken: set[str]) -> tuple[list[cst.SimpleStatementLine],
                                           dict[int, cst.Name]] | None:
    """`model = {"loss": loss, "probs": tf.nn.softmax(logits)}` used only as `model["loss"]`:
    each entry becomes a name (its key, or the name it holds) and each use that name."""
    names: dict[str, str] = {}
    lines: list[cst.SimpleStatementLine] = []
    for element in value.elements:
        if not isinstance(element, cst.DictElement) or not isinstance(
                element.key, cst.SimpleString):
            return None
        key = element.key.evaluated_value
        if not isinstance(key, str):
            return None
        if isinstance(element.value, cst.Name):
            names[key] = element.value.value
        elif key.isidentifier() and key not in taken:
            names[key] = key
            taken.add(key)
            lines.append(_assign(cst.Name(key), element.value))
        else:
            return None
    uses = _KeyedUses(target.value)
    reads_of_target = 0
    for statement in body:
        _walk_visit(statement, uses)
        reads_of_target += sum(1 for n in reads(statement) if n.value == target.value)
    if reads_of_target != len(uses.found) or any(key not in names for _, key in uses.found):
        return None
    return lines, {id(node): cst.Name(names[key]) for node, key in uses.found}


class _Replace(cst.CSTTransformer):
    def __init__(self, lines: dict[int, list[cst.BaseStatement]], removed: set[int],
                 uses: dict[int, cst.Name]) -> None:
        super().__init__()
        self.lines = lines
        self.removed = removed
        self.uses = uses

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if id(original_node) in self.removed:
            return cst.RemoveFromParent()
        lines = self.lines.get(id(original_node))
        if lines is not None:
            return cst.FlattenSentinel(lines)
        return self.uses.get(id(original_node), updated_node)


def inline_builders(module: cst.Module, scope: cst.FunctionDef | cst.If | None, tf_name: TfName
                    ) -> tuple[cst.Module, list[str]] | None:
    """The module with every graph builder called once in the program's body inlined, and
    their names; None when there is none to inline."""
    body: Sequence[cst.BaseStatement] = module.body
    if scope is not None:
        assert isinstance(scope.body, cst.IndentedBlock)
        body = scope.body.body
    functions = [s for s in module.body if isinstance(s, cst.FunctionDef) and s is not scope]
    replaced: dict[int, list[cst.BaseStatement]] = {}
    removed: set[int] = set()
    uses: dict[int, cst.Name] = {}
    inlined: list[str] = []
    for function in functions:
        name = function.name.value
        if not _builds_graph(function, tf_name):
            continue
        calls = _calls(body, name)
        everywhere = sum(1 for statement in module.body if statement is not function
                         for n in reads(statement) if n.value == name)
        simple = _simple_body(function)
        if len(calls) != 1 or everywhere != 1 or simple is None:
            continue
        statements, returned = simple
        site = calls[0]
        arguments = _arguments(function, site.call)
        assert returned.value is not None
        local = function_locals(function) | {p.name.value for p in function.params.params}
        others = _all_names([s for s in module.body if s is not function and s is not scope])
        if scope is not None:
            others |= _all_names([s for s in body if s is not site.line])
        if isinstance(scope, cst.FunctionDef):
            others |= {p.name.value for p in scope.params.params}
        targets = _all_names([site.targets]) if site.targets is not None else set()
        keyed = None
        if isinstance(site.targets, cst.Name) and isinstance(returned.value, cst.Dict):
            rest = [s for s in body if s is not site.line]
            keyed = _dict_result(site.targets, returned.value, rest, local | others)
        results: list[cst.SimpleStatementLine] | None
        renames: dict[str, str] = {}
        if keyed is not None:
            results, keyed_uses = keyed
            local |= {name for name, _ in bindings(results)}
            targets = set()
        else:
            found = _results(site.targets, returned.value, local)
            results, renames, keyed_uses = (None, {}, {}) if found is None else (*found, {})
        if arguments is None or results is None:
            continue
        if renames and (_binds_in_nested_scopes(statements, set(renames)) or set(renames) & {
                p.name.value for p in function.params.params}):
            continue
        if local & (others - targets) or local & _all_names([site.call]):
            continue
        if any(name in local for name in targets - local):
            continue
        lines: list[cst.BaseStatement] = [
            _assign(cst.Name(param), value) for param, value in arguments
            if not (isinstance(value, cst.Name) and value.value == param)
        ]
        renamer = _Rename(renames)
        for statement in statements:
            if not is_docstring(statement):
                renamed = statement.visit(renamer) if renames else statement
                assert isinstance(renamed, cst.SimpleStatementLine)
                lines.append(renamed)
        lines.extend(results)
        if not lines:
            continue
        first = lines[0]
        assert isinstance(first, cst.SimpleStatementLine)
        lines[0] = first.with_changes(leading_lines=site.line.leading_lines)
        replaced[id(site.line)] = lines
        uses.update(keyed_uses)
        removed.add(id(function))
        inlined.append(name)
    for cls in (s for s in module.body if isinstance(s, cst.ClassDef)):
        found_class = _inline_class(cls, module, scope, body, tf_name)
        if found_class is not None:
            line, lines, attribute_uses = found_class
            replaced[id(line)] = lines
            uses.update(attribute_uses)
            removed.add(id(cls))
            inlined.append(cls.name.value)
    if not inlined:
        return None
    result = module.visit(_Replace(replaced, removed, uses))
    assert isinstance(result, cst.Module)
    return result, inlined


def _self_attribute(node: cst.BaseExpression, owner: str) -> str | None:
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
        attr = _self_attribute(node, self.owner)
        if attr is not None:
            self.found.append((node, attr))
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.owner:
            self.other += 1


class _SelfToNames(cst.CSTTransformer):
    def __init__(self, owner: str, names: dict[str, str]) -> None:
        super().__init__()
        self.owner = owner
        self.names = names

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.BaseExpression:
        attr = _self_attribute(original_node, self.owner)
        return cst.Name(self.names[attr]) if attr is not None else updated_node


def _inline_class(cls: cst.ClassDef, module: cst.Module, scope: cst.FunctionDef | cst.If | None,
                  body: Sequence[cst.BaseStatement], tf_name: TfName
                  ) -> tuple[cst.SimpleStatementLine, list[cst.BaseStatement],
                             dict[int, cst.Name]] | None:
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
    if init.name.value != "__init__" or not params or not _builds_graph(init, tf_name):
        return None
    simple = _simple_body(init.with_changes(body=init.body.with_changes(body=[
        *init.body.body, cst.SimpleStatementLine([cst.Return(cst.Name("None"))])])))
    if simple is None:
        return None
    statements = [s for s in simple[0] if not is_docstring(s)]
    owner = params[0].name.value
    calls = _calls(body, cls.name.value)
    everywhere = sum(1 for statement in module.body if statement is not cls
                     for n in reads(statement) if n.value == cls.name.value)
    if len(calls) != 1 or everywhere != 1 or not isinstance(calls[0].targets, cst.Name):
        return None
    site = calls[0]
    instance = site.targets.value if isinstance(site.targets, cst.Name) else ""
    arguments = _arguments(init.with_changes(params=init.params.with_changes(
        params=params[1:])), site.call)
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
    for statement in rest:
        _walk_visit(statement, outside)
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
    lines: list[cst.BaseStatement] = [
        _assign(cst.Name(param), value) for param, value in arguments
        if not (isinstance(value, cst.Name) and value.value == param)
    ]
    rename = _SelfToNames(owner, names)
    for statement in statements:
        renamed = statement.visit(rename)
        assert isinstance(renamed, cst.SimpleStatementLine)
        lines.append(renamed)
    if not lines:
        return None
    first = lines[0]
    assert isinstance(first, cst.SimpleStatementLine)
    lines[0] = first.with_changes(leading_lines=site.line.leading_lines)
    uses = {id(node): cst.Name(names[attr]) for node, attr in outside.found}
    return site.line, lines, uses


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
