"""Model classes: a class that builds its graph in `__init__` and runs it with `self.sess.run`
in its other methods becomes a `tf.Module` (analyze/model_classes.py says when). Its program
(emit/class_program.py) is analysed as a program in a function whose entries are the methods
code outside calls; what that analysis says is told of the class's own lines and names. The
rewrite folds the rewritten program back into the class (emit/tf_module.py) and rewrites the
code around it (analyze/class_instances.py, emit/class_uses.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

from tf_migrate.analysis.names import function_globals
from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.programs.analyze.class_instances import attribute_uses, class_uses
from tf_migrate.programs.analyze.model_classes import find_model_class
from tf_migrate.programs.analyze.program import MAX_BLOCKERS, analyze
from tf_migrate.programs.analyze.syntax import compat_v1_import, tf_alias
from tf_migrate.programs.emit.class_program import ClassProgram, class_program
from tf_migrate.programs.emit.class_uses import rewrite_uses
from tf_migrate.programs.emit.module import rewrite_body
from tf_migrate.programs.emit.tf_module import tf_module
from tf_migrate.programs.fresh_context import FreshContext
from tf_migrate.programs.model import ClassUses, Context, GraphProgram, ImportedHelper, ModelClass

Blocker = tuple[cst.CSTNode, str]


@dataclass(frozen=True)
class ClassAnalysis:
    plan: ModelClass
    uses: ClassUses
    written: ClassProgram
    program: GraphProgram
    context: FreshContext
    tf: str
    told: _Told  # what the analysis of the program says, told of the class

    def rewrite(self, module: cst.Module) -> cst.Module:
        body = rewrite_body(self.written.module, self.program, self.context)
        cls = tf_module(module, self.plan, body, self.tf)
        compat = compat_v1_import(module)
        # `import tensorflow.compat.v1 as tf`: the rewritten class is TF2 code.
        imported = compat[0] if compat is not None and not tf_alias(module) else None
        return rewrite_uses(module, self.plan, self.uses, cls, imported)


def analyze_class(module: cst.Module, context: Context, names: NameResolver, keras: str,
                  imported: Mapping[str, ImportedHelper] | None = None
                  ) -> ClassAnalysis | list[Blocker] | None:
    """The module's model class analysed, the blockers that stop its rewrite, or None when it
    has none (or one that never runs its graph)."""
    found = find_model_class(module, context)
    if found is None or isinstance(found, list):
        return found
    compat = compat_v1_import(module)
    tf = tf_alias(module) or (compat[1] if compat else None)
    if tf is None:
        line = context.start(found.definition)[0]
        return [(found.definition, f"no `import tensorflow` (as tf) to spell TF2 calls with "
                                   f"(line {line})")]
    written = class_program(module, found, tf)
    fresh = FreshContext(written.module, names)
    program = analyze(written.module, fresh, tf1_evidence=True, keras=keras,
                      scope=written.scope,
                      entries=frozenset(entry.name.value for entry in found.entries),
                      imported=imported)
    # The run functions become methods: they must not take a method's name, and are named
    # after the class's own names.
    program.outer_names |= {m.name.value for m in _methods(found.definition)}
    program.shown_names = {name: attr for attr, name in found.attributes.items()}
    for renames in found.renames.values():
        program.shown_names.update({name: local for local, name in renames.items()})
    told = _Told(module, found, written, fresh, context)
    uses = class_uses(module, context, found)
    blockers = uses if isinstance(uses, list) else []
    targets = {name for statement in program.statements for name in statement.targets}
    computed = {attr for attr, name in found.attributes.items() if name in targets}
    blockers.extend(attribute_uses(module, context, found, computed | {found.session}))
    blockers.extend(told.blocker(node, message) for node, message in program.blockers)
    blockers.extend(told.blocker(node, message)
                    for node, message in _graph_reads(written, found, targets, fresh))
    if blockers:
        return blockers[:MAX_BLOCKERS]
    if not any(not site.initializer for site in program.sites):
        return None
    assert isinstance(uses, ClassUses)
    return ClassAnalysis(found, uses, written, program, fresh, tf, told)


def _graph_reads(written: ClassProgram, plan: ModelClass, graph: set[str], fresh: FreshContext
                 ) -> list[Blocker]:
    """Entries that read graph values without running the session: the analysis follows the
    values of a function that runs the graph (a session helper) only."""
    found: list[Blocker] = []
    entries = {entry.name.value for entry in plan.entries}
    assert isinstance(written.scope.body, cst.IndentedBlock)
    for function in written.scope.body.body:
        if not isinstance(function, cst.FunctionDef) or function.name.value not in entries:
            continue
        if plan.session_name in function_globals(function):
            continue
        for name in sorted(function_globals(function) & graph):
            found.append((function, f"`{function.name.value}` reads `{name}`, a graph value, "
                                    f"without running it (line {fresh.start(function)[0]})"))
    return found


def _methods(cls: cst.ClassDef) -> list[cst.FunctionDef]:
    assert isinstance(cls.body, cst.IndentedBlock)
    return [s for s in cls.body.body if isinstance(s, cst.FunctionDef)]


class _Told:
    """The program's lines and names as the class's: a statement of the program comes from
    one of the class (or is the module's own), and `x_2` is `self.x`."""

    def __init__(self, module: cst.Module, plan: ModelClass, written: ClassProgram,
                 fresh: FreshContext, context: Context) -> None:
        original = {id(s) for s in module.body}
        pairs = [*written.origins,
                 *((s, s) for s in written.module.body if id(s) in original)]
        # (start, end) lines of each statement of the program, and its origin.
        self.spans = sorted(((fresh.start(node)[0], fresh.end(node)[0], origin)
                             for node, origin in pairs), key=lambda span: (span[0], -span[1]))
        self.fresh = fresh
        self.context = context
        self.names = {name: f"self.{attr}" for attr, name in plan.attributes.items()}
        self.names[plan.session_name] = f"self.{plan.session}"
        for renames in plan.renames.values():
            self.names.update({name: local for local, name in renames.items()})

    def _span(self, line: int) -> tuple[int, int, cst.CSTNode] | None:
        containing = [span for span in self.spans if span[0] <= line <= span[1]]
        return containing[-1] if containing else None

    def line(self, line: int) -> int:
        span = self._span(line)
        if span is None:
            return line
        return self.context.start(span[2])[0] + line - span[0]

    def text(self, message: str) -> str:
        def names(match: re.Match[str]) -> str:
            return re.sub(r"(?<![.\w])\w+", lambda m: self.names.get(m[0], m[0]), match[0])

        message = re.sub(r"`[^`]*`", names, message)
        return re.sub(r"line (\d+)", lambda m: f"line {self.line(int(m[1]))}", message)

    def blocker(self, node: cst.CSTNode, message: str) -> Blocker:
        span = self._span(self.fresh.start(node)[0])
        return (span[2] if span is not None else node), self.text(message)
