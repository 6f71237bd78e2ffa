"""A variable-creating helper as the `tf.Module` class it becomes (analyze/module_helpers.py),
and its calls: `__init__` keeps the Python-valued parameters, `__call__` takes the graph values,
creates the variables at its first call and computes what the helper computed."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.names import reads
from tf_migrate.cst.dotted import dotted
from tf_migrate.programs.analyze.module_helpers import created_name, flat_body, param_of
from tf_migrate.programs.analyze.syntax import is_docstring
from tf_migrate.programs.emit.tf_module import ReplaceNames
from tf_migrate.programs.model import ModuleClass, ObjectCall


def _self(attribute: str) -> cst.Attribute:
    return cst.Attribute(cst.Name("self"), cst.Name(attribute))


def _line(node: cst.BaseSmallStatement) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([node])


def _as_attributes(node: cst.CSTNode, attributes: dict[str, str]) -> cst.CSTNode:
    found = {id(name): _self(attributes[name.value]) for name in reads(node)
             if name.value in attributes}
    if not found:
        return node
    visited = node.visit(ReplaceNames(found, {}))
    assert isinstance(visited, cst.CSTNode)
    return visited


def _params(function: cst.FunctionDef, names: tuple[str, ...], first: str) -> cst.Parameters:
    kept = [p.with_changes(comma=cst.MaybeSentinel.DEFAULT) for p in function.params.params
            if p.name.value in names]
    return cst.Parameters([cst.Param(cst.Name(first)), *kept])


def module_class(function: cst.FunctionDef, plan: ModuleClass) -> cst.ClassDef:
    renamed = dict(plan.attributes)
    config = {param: renamed.get(param, param) for param in plan.config}
    flat = flat_body(function, plan.dedent)
    attributes = {name: renamed.get(name, name)
                  for name in (created_name(flat[index]) for index in plan.creations)}
    reads_as = {**config, **attributes}
    *statements, last = flat
    init_body: list[cst.BaseStatement] = [
        _line(cst.Expr(cst.Call(cst.Attribute(cst.Call(cst.Name("super")),
                                              cst.Name("__init__"))))),
        *(_line(cst.Assign([cst.AssignTarget(_self(attribute))], cst.Name(param)))
          for param, attribute in config.items()),
        _line(cst.Assign([cst.AssignTarget(_self("is_built"))], cst.Name("False"))),
    ]
    first = plan.creations[0]
    before = [_as_attributes(s, reads_as) for s in statements[:first]]
    created: list[cst.BaseStatement] = []
    for index in plan.creations:
        line = flat[index]
        assert isinstance(line, cst.SimpleStatementLine)
        assign = line.body[0]
        assert isinstance(assign, cst.Assign)
        target = attributes[created_name(line)]
        value = _as_attributes(assign.value, reads_as)
        assert isinstance(value, cst.BaseExpression)
        comments = [e for e in line.leading_lines if e.comment is not None]
        created.append(cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(_self(target))], value)], leading_lines=comments))
    created.append(_line(cst.Assign([cst.AssignTarget(_self("is_built"))], cst.Name("True"))))
    build = cst.If(cst.UnaryOperation(cst.Not(), _self("is_built")), cst.IndentedBlock(created))
    after = [_as_attributes(s, reads_as) for i, s in enumerate(statements)
             if i > first and i not in plan.creations]
    returned = _as_attributes(last, reads_as)
    call_body = [*before, build, *after, returned]
    docstring = [function.body.body[0]] if isinstance(function.body, cst.IndentedBlock) and (
        function.body.body and is_docstring(function.body.body[0])) else []
    init = cst.FunctionDef(cst.Name("__init__"), _params(function, plan.config, "self"),
                           cst.IndentedBlock(init_body),
                           leading_lines=[cst.EmptyLine(indent=False)] if docstring else [])
    call = cst.FunctionDef(cst.Name("__call__"), _params(function, plan.tensors, "self"),
                           cst.IndentedBlock([s for s in call_body
                                              if isinstance(s, cst.BaseStatement)]),
                           leading_lines=[cst.EmptyLine(indent=False)])
    return cst.ClassDef(cst.Name(plan.class_name), cst.IndentedBlock([*docstring, init, call]),
                        bases=[cst.Arg(dotted(plan.module_path))],
                        leading_lines=function.leading_lines)


def object_call(node: cst.Call, plan: ObjectCall) -> cst.Call:
    """`fc_layer(x, 64, "FC1")` as `fc1_layer(x)`: the arguments of the tensor parameters."""
    kept = [arg for arg in node.args if param_of(arg, node, plan.params) in plan.tensors]
    if kept:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(func=cst.Name(plan.name), args=kept)
