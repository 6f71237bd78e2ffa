"""Folds a model class's rewritten program (emit/class_program.py, then emit/module.py) back
into the class, now a `tf.Module`: the statements the program keeps make `__init__` (after
`tf.Module`'s own), the entries are the class's methods again, and the run functions become
methods too (a `tf.function` each, per instance). A name the program's functions read from
its body becomes an attribute: `self.x` again for the class's attributes, and for a local of
`__init__` (a variable it created, a parameter) an attribute of its own name. A run function
whose input signature reads such names is made a `tf.function` in `__init__`, where they are
known, rather than by a decorator, which Python evaluates when it defines the class."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import BUILTINS, bindings, fresh_name, function_globals, reads
from tf_migrate.cst.dotted import dotted
from tf_migrate.cst.wrapping import one_per_arg
from tf_migrate.programs.analyze.class_names import all_names
from tf_migrate.programs.analyze.syntax import is_docstring
from tf_migrate.programs.model import ModelClass


def _self(owner: str, attr: str) -> cst.Attribute:
    return cst.Attribute(cst.Name(owner), cst.Name(attr))


class ReplaceNames(cst.CSTTransformer):
    """Replaces the Name nodes given by id, or by value wherever they are (not attribute names
    or keywords)."""

    def __init__(self, by_id: Mapping[int, cst.BaseExpression],
                 by_value: Mapping[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.by_id = by_id
        self.by_value = by_value

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # the receiver's names, never the attribute's own
        return True

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name
                   ) -> cst.BaseExpression:
        found = self.by_id.get(id(original_node)) or self.by_value.get(original_node.value)
        return found if found is not None else updated_node


def _displayed(nodes: Sequence[cst.CSTNode], display: Mapping[str, str],
               fixed: Iterable[str] = ()) -> dict[str, cst.BaseExpression]:
    """Program names back to the class's own (`x_2` -> `x`) where that meets no other name of
    the nodes; `fixed` first, always (`__init__`'s parameters)."""
    used = all_names(nodes)
    chosen: dict[str, cst.BaseExpression] = {}
    shown: set[str] = set()
    for name in [*fixed, *sorted(set(display) - set(fixed))]:
        wanted = display.get(name)
        if wanted is None or (name not in used and name not in fixed):
            continue
        if name in fixed or (wanted not in used and wanted not in shown):
            chosen[name] = cst.Name(wanted)
            shown.add(wanted)
    return chosen


def _leading(node: cst.CSTNode, blank: bool) -> list[cst.EmptyLine]:
    comments = [line for line in getattr(node, "leading_lines", ()) if line.comment is not None]
    return [cst.EmptyLine(indent=False), *comments] if blank else comments


class _Folder:
    def __init__(self, plan: ModelClass, body: list[cst.BaseStatement], tf: str,
                 class_level: set[str]) -> None:
        self.plan = plan
        self.tf = tf
        self.class_level = class_level  # names a decorator can read when Python defines the class
        self.owner = plan.init.params.params[0].name.value
        entries = {entry.name.value for entry in plan.entries}
        self.statements = [s for s in body if not isinstance(s, cst.FunctionDef)]
        self.functions = [s for s in body if isinstance(s, cst.FunctionDef)]
        self.runs = [f for f in self.functions if f.name.value not in entries]
        # Program names -> the class's: attributes, then the locals each builder renamed.
        self.display = {name: attr for attr, name in plan.attributes.items()}
        for renames in plan.renames.values():
            self.display.update({name: local for local, name in renames.items()})
        init_renames = plan.renames.get(id(plan.init), {})
        self.params = [init_renames.get(p.name.value, p.name.value)
                       for index, p in enumerate(plan.init.params.params[1:])
                       if plan.given is None or index != plan.given.index]
        self.members = self._members()
        # `__init__`'s names: its locals as the class wrote them, the instance's as `self.x`.
        shown = {name: local for name, local in self.display.items() if name not in self.members}
        self.init_map = _displayed(self.statements, shown, self.params)
        self.init_map.update({name: value for name, value in self.members.items()
                              if name not in self.params})

    def _members(self) -> dict[str, cst.Attribute]:
        """Program names that are members of the instance, as `self.x`."""
        plan = self.plan
        members: dict[str, cst.Attribute] = {
            name: _self(self.owner, attr) for attr, name in plan.attributes.items()}
        methods = [f.name.value for f in [*self.functions, *plan.helpers]]
        members.update({name: _self(self.owner, name) for name in methods})
        bound = {name for name, _ in bindings(self.statements)} | set(self.params)
        read = set().union(*(function_globals(f) for f in self.functions))
        taken = {*plan.attributes, *methods, *sym.TF_MODULE_MEMBERS}
        for name in sorted((bound & read) - set(members)):
            members[name] = _self(self.owner, fresh_name(self.display.get(name, name), taken))
        return members

    def _moved_signature(self, function: cst.FunctionDef) -> bool:
        """Whether the run function's decorator reads names only `__init__` knows."""
        return any(not read_names_in(d) <= self.class_level for d in function.decorators)

    def init(self) -> cst.FunctionDef:
        plan = self.plan
        lines = [_converted(s, ReplaceNames({}, self.init_map)) for s in self.statements]
        docstring = lines[:1] if lines and is_docstring(lines[0]) else []
        rest = lines[len(docstring):]
        super_call = cst.SimpleStatementLine([cst.Expr(cst.Call(cst.Attribute(
            cst.Call(cst.Name("super")), cst.Name("__init__"))))])
        kept = [cst.SimpleStatementLine([cst.Assign(
            [cst.AssignTarget(self.members[p])], cst.Name(self.display.get(p, p)))])
            for p in self.params if p in self.members]
        wrapped = [self._wrapped(f) for f in self.runs if self._moved_signature(f)]
        if rest and isinstance(rest[0], cst.SimpleStatementLine | cst.BaseCompoundStatement):
            rest[0] = rest[0].with_changes(leading_lines=_leading(rest[0], blank=False))
        body = [*docstring, super_call, *kept, *rest, *wrapped]
        params = [p for index, p in enumerate(plan.init.params.params)
                  if plan.given is None or index != plan.given.index + 1]
        params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        assert isinstance(plan.init.body, cst.IndentedBlock)
        return plan.init.with_changes(params=plan.init.params.with_changes(params=params),
                                      body=plan.init.body.with_changes(body=body))

    def _wrapped(self, function: cst.FunctionDef) -> cst.SimpleStatementLine:
        """`self.f = tf.function(self.f, input_signature=[...])`."""
        (decorator,) = function.decorators
        call = decorator.decorator
        assert isinstance(call, cst.Call)
        name = _self(self.owner, function.name.value)
        arguments = [cst.Arg(name), *call.args]
        value = cst.Call(call.func, arguments).visit(ReplaceNames({}, self.init_map))
        assert isinstance(value, cst.Call)
        line = cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(name)], value)])
        if max(len(text) for text in cst.Module([line]).code.splitlines()) + 8 <= 99:
            return line
        # Too long for the line, indented twice: one argument per line.
        return line.with_changes(body=[cst.Assign([cst.AssignTarget(name)], one_per_arg(value))])

    def method(self, function: cst.FunctionDef, owner: cst.Param | None) -> cst.FunctionDef:
        """A function of the program as a method: `owner` first, instance names as `self.x`,
        a run function's names as the class's own where they meet no other."""
        free = function_globals(function)
        by_id = {id(n): self.members[n.value] for n in reads(function.body)
                 if n.value in free and n.value in self.members}
        local = {} if owner is not None else _displayed([function], {
            name: shown for name, shown in self.display.items() if name not in free})
        converted = function.visit(ReplaceNames(by_id, local))
        assert isinstance(converted, cst.FunctionDef)
        first = owner or cst.Param(cst.Name(self.owner))
        params = converted.params.params
        if params:
            first = first.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(
                " ")))
        else:
            first = first.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        moved = owner is None and self._moved_signature(function)
        return converted.with_changes(
            params=converted.params.with_changes(params=[first, *params]),
            decorators=[] if moved else converted.decorators)

    def class_body(self) -> list[cst.BaseStatement]:
        plan = self.plan
        entries = {e.name.value: e for e in plan.entries}
        rewritten = {f.name.value: f for f in self.functions}
        # Each run function goes before the entry that follows it in the program.
        before: dict[str | None, list[cst.FunctionDef]] = {}
        pending: list[cst.FunctionDef] = []
        for function in self.functions:
            if function.name.value in entries:
                before[function.name.value] = pending
                pending = []
            else:
                pending.append(function)
        before[None] = pending
        builders = {id(b.method) for b in plan.builders.values()}
        assert isinstance(plan.definition.body, cst.IndentedBlock)
        members: list[cst.BaseStatement] = []
        for member in plan.definition.body.body:
            if member is plan.init:
                members.append(self.init())
            elif isinstance(member, cst.FunctionDef) and member.name.value in entries:
                name = member.name.value
                members.extend(self._run_method(f) for f in before.get(name, []))
                rewritten_entry = self.method(rewritten[name], member.params.params[0])
                members.append(rewritten_entry.with_changes(leading_lines=member.leading_lines))
            elif id(member) not in builders:
                members.append(member)
        members.extend(self._run_method(f) for f in before[None])
        return members

    def _run_method(self, function: cst.FunctionDef) -> cst.FunctionDef:
        return self.method(function, None).with_changes(
            leading_lines=_leading(function, blank=True))


def _converted(statement: cst.BaseStatement, transformer: cst.CSTTransformer
               ) -> cst.BaseStatement:
    converted = statement.visit(transformer)
    assert isinstance(converted, cst.BaseStatement)
    return converted


def read_names_in(decorator: cst.Decorator) -> set[str]:
    return {name.value for name in reads(decorator.decorator)}


def tf_module(module: cst.Module, plan: ModelClass, body: list[cst.BaseStatement], tf: str
              ) -> cst.ClassDef:
    """The class as a `tf.Module`, from its program's rewritten body."""
    index = list(module.body).index(plan.definition)
    before = module.body[:index]
    counts: dict[str, int] = {}
    for name, _ in bindings(module.body):
        counts[name] = counts.get(name, 0) + 1
    class_level = {name for name, _ in bindings(before) if counts[name] == 1} | BUILTINS
    folder = _Folder(plan, body, tf, class_level)
    cls = plan.definition
    assert isinstance(cls.body, cst.IndentedBlock)
    return cls.with_changes(
        bases=[cst.Arg(dotted(f"{tf}.Module"))], keywords=[],
        lpar=cst.LeftParen(), rpar=cst.RightParen(),
        body=cls.body.with_changes(body=folder.class_body()))

