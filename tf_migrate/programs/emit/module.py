"""Assembles the rewritten module: statements in place, graph statements moved into functions,
session statements gone, Session and Graph `with` bodies dedented."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from tf_migrate.cst.wrapping import split_statements
from tf_migrate.programs.emit.functions import Emitter
from tf_migrate.programs.emit.rewrites import rewritten
from tf_migrate.programs.emit.session_config import statements as config_statements
from tf_migrate.programs.emit.sessions_gone import WithoutSessions
from tf_migrate.programs.model import (
    Context,
    ExpressionPlan,
    GraphProgram,
    SessionsGone,
    StatementPlan,
)


class _Replace(WithoutSessions):
    def __init__(self, replacements: dict[int, cst.CSTNode],
                 plans: Mapping[int, ExpressionPlan | StatementPlan], gone: SessionsGone) -> None:
        super().__init__(gone)  # the sessions a function of the program opens itself
        self.replacements = replacements
        self.plans = plans  # control flow and tf.data (GraphProgram.rewrites and in_place)

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.BaseStatement]:
        replaced = self.replacements.get(id(original_node))
        if isinstance(replaced, cst.SimpleStatementLine) and len(replaced.body) > 1:
            return cst.FlattenSentinel(split_statements(replaced))  # a layer and its values
        if replaced is not None:
            return replaced
        plan = self.plans.get(id(original_node))
        if plan is not None:
            updated_node = rewritten(updated_node, plan)
        return super().on_leave(original_node, updated_node)


def _comments(lines: tuple[cst.EmptyLine, ...] | list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    return [line.with_changes(indent=True) for line in lines if line.comment is not None]


def _blanks(lines: list[cst.EmptyLine]) -> int:
    return sum(1 for line in lines if line.comment is None)


def _leading(node: cst.BaseStatement) -> list[cst.EmptyLine]:
    if isinstance(node, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        return list(node.leading_lines)
    return []


def _string_keys(node: cst.Dict) -> cst.Dict:
    elements = []
    for element in node.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.Name):
            element = element.with_changes(key=cst.SimpleString(f'"{element.key.value}"'))
        elements.append(element)
    return node.with_changes(elements=elements)


def rewrite_module(module: cst.Module, program: GraphProgram, ctx: Context) -> cst.Module:
    body = rewrite_body(module, program, ctx)
    scope = program.scope
    if scope is not None:
        assert isinstance(scope.body, cst.IndentedBlock)
        new_scope = scope.with_changes(body=scope.body.with_changes(body=body))
        replaced = module.deep_replace(scope, new_scope)
        assert isinstance(replaced, cst.Module)
        return replaced
    return module.with_changes(body=body)


def rewrite_body(module: cst.Module, program: GraphProgram, ctx: Context
                 ) -> list[cst.BaseStatement]:
    """The statements that take the place of the program's: its function's body, its part of
    the module (a segment), or the whole module's body."""
    emitter = Emitter(module, program, ctx)
    emitter.plan()
    replacements: dict[int, cst.CSTNode] = {
        id(slice_.site.call): emitter.replacement(slice_) for slice_ in program.slices
    }
    for slice_ in program.slices:
        targets = emitter.kept_targets(slice_)
        if targets is not None and slice_.site.target is not None:
            replacements[id(slice_.site.target)] = targets
    replacements.update(emitter.in_place())
    if program.compat_import is not None:
        replacements[id(program.compat_import)] = cst.Import([cst.ImportAlias(
            cst.Name("tensorflow"), asname=cst.AsName(cst.Name(program.tf_alias or "tf")))])
    plans: dict[int, ExpressionPlan | StatementPlan] = {**program.rewrites, **program.in_place}
    for binding in program.feeds.values():
        for literal in binding.dicts:
            # Its values as planned (a `tf.SparseTensorValue` as a tuple), its keys strings.
            planned = literal.visit(_Replace({}, plans, program.own_sessions))
            assert isinstance(planned, cst.Dict)
            replacements[id(literal)] = _string_keys(planned)
        for key in binding.subscripts:
            replacements[id(key)] = cst.SimpleString(f'"{key.value}"')
    # All functions go before the first statement that calls one, unless a function needs a
    # graph statement that comes later (its input signature may read names bound there).
    definitions: dict[int, list[cst.FunctionDef]] = {}
    first = min((f.first_item for f in emitter.functions), default=0)
    start = program.items[first].position if emitter.functions else (0, 0)
    for function in emitter.functions:
        needed = (*function.slice.statements, *function.slice.placeholders)
        place = first if all(s.position < start for s in needed) else function.first_item
        definitions.setdefault(place, []).append(emitter.definition(function))
    reset = emitter.reset_definition()
    if reset is not None:
        definitions.setdefault(reset[0], []).append(reset[1])
    # Statements moved into functions take their comments with them.
    moved = {id(s.line) for f in emitter.functions for s in f.slice.statements}
    moved |= {id(p.line) for p in program.prints if p.host is not None}
    # The session's options, set where its config was built (or before the first op).
    config = program.session_config
    configured = config_statements(config, emitter.tf, emitter.fresh) if config else []
    # Set earlier than the config was built: the config's comments go with the calls.
    config_lines = set(config.statements) if config and configured and (
        config.anchor not in config.statements) else set()
    if config_lines:
        comments = [line for i in sorted(config_lines)
                    for line in _comments(_leading(program.items[i].node))]
        first_call = configured[0]
        assert isinstance(first_call, cst.SimpleStatementLine | cst.For)
        configured[0] = first_call.with_changes(leading_lines=comments)
    body: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] = []
    carried_blanks = 0
    after_definitions = False

    def put(node: cst.SimpleStatementLine | cst.BaseCompoundStatement) -> None:
        nonlocal carried, carried_blanks, after_definitions
        leading = list(node.leading_lines)
        if carried or carried_blanks:
            # Removed statements leave their comments and their blank lines behind.
            blanks = max(carried_blanks, _blanks(leading))
            blank = cst.EmptyLine(indent=False)
            leading = [blank] * min(blanks, 2) + _comments([*carried, *leading])
        if after_definitions:
            leading = [*[cst.EmptyLine(indent=False)] * emitter.blank_lines, *_comments(leading)]
        elif not body:
            # The module's first statement has no blank lines before it; a later part of the
            # module (a segment) keeps those that set it off.
            leading = _comments(leading) if program.segment is None else leading
        elif isinstance(body[-1], cst.FunctionDef | cst.ClassDef) and (
                _blanks(leading) < emitter.blank_lines):
            # A kept function keeps its blank lines after it, whatever was removed around it.
            leading = [*[cst.EmptyLine(indent=False)] * emitter.blank_lines, *_comments(leading)]
        body.append(node.with_changes(leading_lines=leading))
        carried, carried_blanks, after_definitions = [], 0, False

    for index, item in enumerate(program.items):
        for definition in definitions.get(index, []):
            body.append(definition.with_changes(
                leading_lines=[*definition.leading_lines, *_comments(carried)]))
            carried, carried_blanks, after_definitions = [], 0, True
        if item.drop and id(item.node) not in moved and not item.obsolete_comments and (
                index not in config_lines):
            carried.extend(_comments(_leading(item.node)))
            carried_blanks = max(carried_blanks, _blanks(_leading(item.node)))
        if config is not None and index == config.anchor:
            for statement in configured:
                assert isinstance(statement, cst.SimpleStatementLine | cst.For)
                put(statement)
        if item.drop:
            continue
        node = item.node.visit(_Replace(replacements, plans, program.own_sessions))
        for written in node.nodes if isinstance(node, cst.FlattenSentinel) else [node]:
            assert isinstance(written, cst.SimpleStatementLine | cst.BaseCompoundStatement)
            put(written)
    return body
