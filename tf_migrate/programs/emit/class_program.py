"""Writes the program of a model class (model.ModelClass): the module with the class replaced
by its helpers, as functions, and a function named after the class, with the constructor's
parameters (but the session), whose body is `__init__` with its builders written out at their
calls and the session created where the class set it, then the entries as nested functions.
`self.x` becomes the attribute's name in the program, `self.sess` the program's session and
`self.m` the method's function. Each statement written is recorded with the class's statement
it comes from, so that what the analysis says of the program can name the class's lines."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from tf_migrate.cst.dotted import dotted
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.builders import owner_attribute
from tf_migrate.programs.analyze.syntax import is_docstring
from tf_migrate.programs.model import ModelClass

# (statement of the program, the class's statement it comes from)
Origins = list[tuple[cst.CSTNode, cst.CSTNode]]


@dataclass(frozen=True)
class ClassProgram:
    module: cst.Module
    scope: cst.FunctionDef
    origins: Origins = field(default_factory=list)


class _ToProgram(cst.CSTTransformer):
    """A method's code as the class's program holds it: `self.x` -> a name, the function's own
    names renamed (`renames`); records where each statement comes from."""

    def __init__(self, plan: ModelClass, owner: str, renames: dict[str, str],
                 origins: Origins) -> None:
        super().__init__()
        self.plan = plan
        self.owner = owner
        self.renames = renames
        self.origins = origins

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return owner_attribute(node, self.owner) is None

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.BaseExpression:
        attr = owner_attribute(original_node, self.owner)
        if attr is None:
            return updated_node.with_changes(attr=original_node.attr)
        if attr == self.plan.session:
            return cst.Name(self.plan.session_name)
        return cst.Name(self.plan.attributes.get(attr, attr))  # an attribute, or a method

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        renamed = self.renames.get(original_node.value)
        return updated_node.with_changes(value=renamed) if renamed else updated_node

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if updated_node.body:
            return updated_node
        # Its one statement went (`self.sess.close()`): the block still needs one.
        return updated_node.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        if id(original_node) in self.plan.dropped:
            return cst.RemoveFromParent()
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.BaseStatement) and isinstance(result, cst.CSTNode):
            self.origins.append((result, original_node))
        return result


class _Writer:
    def __init__(self, plan: ModelClass, tf: str) -> None:
        self.plan = plan
        self.tf = tf
        self.origins: Origins = []

    def _converted(self, node: cst.CSTNode, function: cst.FunctionDef) -> cst.CSTNode:
        owner = function.params.params[0].name.value
        renames = self.plan.renames.get(id(function), {})
        converted = node.visit(_ToProgram(self.plan, owner, renames, self.origins))
        assert isinstance(converted, cst.CSTNode)
        return converted

    def body(self, function: cst.FunctionDef) -> list[cst.BaseStatement]:
        """`__init__`'s or a builder's statements as the program's, builders written out."""
        assert isinstance(function.body, cst.IndentedBlock)
        lines: list[cst.BaseStatement] = []
        for statement in function.body.body:
            if id(statement) in self.plan.dropped or (
                    function is not self.plan.init and is_docstring(statement)):
                continue
            builder = self.plan.builders.get(id(statement))
            if builder is not None:
                lines.extend(self._written_out(function, builder.call_line))
                continue
            converted = self._converted(statement, function)
            assert isinstance(converted, cst.BaseStatement)
            if self.plan.given is not None and self._keeps_session(statement, function):
                assert isinstance(statement, cst.SimpleStatementLine)
                converted = self._session_line(statement)
            lines.append(converted)
        return lines

    def _keeps_session(self, statement: cst.BaseStatement, function: cst.FunctionDef) -> bool:
        """`self.sess = sess`, the session given to the constructor."""
        if function is not self.plan.init or not isinstance(statement, cst.SimpleStatementLine):
            return False
        small = statement.body[0]
        owner = function.params.params[0].name.value
        return isinstance(small, cst.Assign) and any(
            owner_attribute(t.target, owner) == self.plan.session for t in small.targets)

    def _session_line(self, statement: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
        """The program's session, created where the class kept the one it was given."""
        line = statement.with_changes(body=[cst.Assign(
            [cst.AssignTarget(cst.Name(self.plan.session_name))],
            cst.Call(dotted(f"{self.tf}.Session")))])
        self.origins.append((line, statement))
        return line

    def _written_out(self, caller: cst.FunctionDef, call_line: cst.SimpleStatementLine
                     ) -> list[cst.BaseStatement]:
        """A builder at its call: its parameters bound to the arguments, then its body."""
        builder = self.plan.builders[id(call_line)]
        renames = self.plan.renames.get(id(builder.method), {})
        lines: list[cst.BaseStatement] = []
        for param, value in builder.arguments:
            argument = self._converted(value, caller)
            assert isinstance(argument, cst.BaseExpression)
            line = cst.SimpleStatementLine([cst.Assign(
                [cst.AssignTarget(cst.Name(renames.get(param, param)))], argument)])
            self.origins.append((line, call_line))
            lines.append(line)
        lines.extend(self.body(builder.method))
        if lines and isinstance(lines[0], cst.SimpleStatementLine | cst.BaseCompoundStatement):
            # The call's comments and blank lines stay where the call was.
            first = lines[0].with_changes(leading_lines=[*call_line.leading_lines,
                                                         *lines[0].leading_lines])
            self.origins.append((first, next(origin for line, origin in self.origins
                                             if line is lines[0])))
            lines[0] = first
        return lines

    def function(self, method: cst.FunctionDef) -> cst.FunctionDef:
        """An entry or a helper as a function of the program, without its `self`."""
        converted = self._converted(method.body, method)
        assert isinstance(converted, cst.BaseSuite)
        function = method.with_changes(
            params=method.params.with_changes(params=method.params.params[1:]), body=converted)
        self.origins.append((function, method))
        return function

    def scope(self) -> cst.FunctionDef:
        plan = self.plan
        init = plan.init
        renames = plan.renames.get(id(init), {})
        params = [param.with_changes(name=cst.Name(renames.get(param.name.value,
                                                               param.name.value)))
                  for index, param in enumerate(init.params.params[1:])
                  if plan.given is None or index != plan.given.index]
        if params:
            params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        body = [*self.body(init), *(self.function(entry) for entry in plan.entries)]
        scope = init.with_changes(name=cst.Name(plan.definition.name.value),
                                  params=init.params.with_changes(params=params),
                                  body=cst.IndentedBlock(body),
                                  leading_lines=plan.definition.leading_lines)
        self.origins.append((scope, plan.definition))
        return scope


def class_program(module: cst.Module, plan: ModelClass, tf: str) -> ClassProgram:
    """The module with the class replaced by its program (`tf`: how the module spells
    TensorFlow)."""
    writer = _Writer(plan, tf)
    helpers = [writer.function(helper) for helper in plan.helpers]
    scope = writer.scope()
    body: list[cst.BaseStatement] = []
    for statement in module.body:
        body.extend([*helpers, scope] if statement is plan.definition else [statement])
    written = module.with_changes(body=body)
    # Statements replaced while writing (a builder's first, given the call's comments) are
    # not the program's.
    present = _Statements()
    _walk_visit(written, present)
    origins = [(node, origin) for node, origin in writer.origins if id(node) in present.found]
    return ClassProgram(written, scope, origins)


class _Statements(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[int] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.BaseStatement):
            self.found.add(id(node))
        return True
