"""The entry point of the session-program rewrite (rule TFM150): the program of a module that
names TF1 sessions or placeholders, with its graph builders written out at their call when that
is what stops it, and the outcome the rule reports: a refusal, or a rewrite built on demand."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import libcst as cst

from tf_migrate.analysis.project_modules import ProjectModules
from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.cst.code import code
from tf_migrate.programs.analyze.builders import written_out
from tf_migrate.programs.analyze.imported_helpers import imported_helpers
from tf_migrate.programs.analyze.program import MAX_BLOCKERS, analyze
from tf_migrate.programs.analyze.syntax import compat_v1_import, tf_alias
from tf_migrate.programs.emit.inline import write_out
from tf_migrate.programs.emit.module import rewrite_module
from tf_migrate.programs.fresh_context import FreshContext
from tf_migrate.programs.model import Context, GraphProgram, ImportedHelper, Kind
from tf_migrate.programs.model_class import ClassAnalysis, analyze_class
from tf_migrate.programs.reset_helpers import without_resets
from tf_migrate.programs.segments import RESET_AFTER_OPS, analyze_segments, rewrite_segments


@dataclass(frozen=True)
class Refusal:
    """The program is not rewritten: what stopped it, each a node and a sentence ending with
    its line, first first (at most analyze.program.MAX_BLOCKERS)."""

    blockers: tuple[tuple[cst.CSTNode, str], ...]


@dataclass(frozen=True)
class ImportedName:
    """`from <module> import <name> [as <asname>]`, or `import <module> as <asname>` (name
    None)."""

    module: str
    name: str | None
    asname: str | None


@dataclass(frozen=True)
class Rewrite:
    """The program is rewritten as TF2 functions."""

    # The rewritten module, built only when asked for: the rewrite costs as much as the analysis.
    build: Callable[[], cst.Module]
    written_out: tuple[str, ...]  # graph builders written out at their call first
    notes: tuple[str, ...]  # what the rewrite drops that the finding says (`tf.device`)
    unsafe: tuple[str, ...]  # why the numbers may differ from TF1's, each once
    uses_keras: bool  # Keras optimizers, schedules or metrics are constructed
    # Module-level `from tensorflow… import` names: the rewrite may leave them unused, and the
    # TF1-only ones (`placeholder`, `Session`) fail to import on TF2.
    tensorflow_imports: tuple[ImportedName, ...]
    model_class: str | None = None  # the model class rewritten as a tf.Module


def session_program(module: cst.Module, context: Context, names: NameResolver, *,
                    standalone_keras: bool, session_seen: bool,
                    project: ProjectModules | None = None) -> Refusal | Rewrite | None:
    """The outcome for a module in which the caller saw a TF1 session or placeholder (`names`:
    how its TF names resolve; `standalone_keras`: spell Keras `keras`, not `tf.keras`;
    `session_seen`: a session among them; `project`: the project modules it may import). None:
    no program to rewrite or refuse."""
    compat = compat_v1_import(module)
    alias = tf_alias(module) or (compat[1] if compat else "tf")
    keras = "keras" if standalone_keras else f"{alias}.keras"
    imported = imported_helpers(module, project) if project is not None else {}
    program = _program(module, context, keras, imported)
    if not program.tf1_program:
        return None
    if not program.sites and not session_seen:
        # No session here (a graph built for use elsewhere): there is no program to rewrite,
        # and each idiom already has its own finding.
        return None
    if program.scope is None and any(message.startswith(RESET_AFTER_OPS)
                                     for _, message in program.blockers):
        return _segmented(module, context, keras, imported)
    if program.blockers and not names.uses_scope_analysis:
        # A model class: rewritten as a tf.Module, or refused for what stops that.
        found = analyze_class(module, context, names, keras, imported)
        if isinstance(found, list):
            return Refusal(tuple(found))
        if found is not None:
            return _class_rewrite(module, found)
    source = module
    written: tuple[str, ...] = ()
    if program.blockers and not names.uses_scope_analysis:
        # Graph builders called once become part of the program, written out at the call.
        plans = written_out(module, program.scope, context.tf_name)
        if plans:
            candidate = write_out(module, plans)
            fresh = FreshContext(candidate, names)
            attempt = _program(candidate, fresh, keras, imported)
            if not attempt.blockers and attempt.sites:
                source, program, context = candidate, attempt, fresh
                written = tuple(plan.name for plan in plans)
    if program.blockers:
        return Refusal(tuple(program.blockers))
    if not any(not site.initializer for site in program.sites):
        return None
    return Rewrite(
        build=lambda: without_resets(source, context, rewrite_module(source, program, context)),
        written_out=written,
        notes=(*program.notes, *_random_note(program.random_draws)),
        unsafe=tuple(dict.fromkeys(program.unsafe)),
        uses_keras=_uses_keras(program),
        tensorflow_imports=_tensorflow_from_imports(module),
    )


def _segmented(module: cst.Module, context: Context, keras: str,
               imported: Mapping[str, ImportedHelper]) -> Refusal | Rewrite:
    """A module that builds and runs one graph after another: each part rewritten alone."""
    programs = analyze_segments(module, context, keras, imported)
    blockers = [blocker for program in programs for blocker in program.blockers]
    for program in programs:
        if program.statements and not any(not site.initializer for site in program.sites):
            start = program.statements[0].line
            blockers.append((start, f"the graph built from line {context.start(start)[0]} is "
                                    "never run"))
    if blockers:
        return Refusal(tuple(blockers[:MAX_BLOCKERS]))
    return Rewrite(
        build=lambda: without_resets(module, context,
                                     rewrite_segments(module, programs, context)),
        written_out=(),
        notes=tuple(dict.fromkeys(
            note for program in programs
            for note in (*program.notes, *_random_note(program.random_draws)))),
        unsafe=tuple(dict.fromkeys(reason for program in programs for reason in program.unsafe)),
        uses_keras=any(_uses_keras(program) for program in programs),
        tensorflow_imports=_tensorflow_from_imports(module),
    )


def _class_rewrite(module: cst.Module, found: ClassAnalysis) -> Rewrite:
    program, told = found.program, found.told
    notes = (*program.notes, *_random_note(program.random_draws))
    return Rewrite(
        build=lambda: found.rewrite(module),
        written_out=(),
        notes=tuple(told.text(note) for note in notes),
        unsafe=tuple(dict.fromkeys(told.text(reason) for reason in program.unsafe)),
        uses_keras=_uses_keras(program),
        tensorflow_imports=_tensorflow_from_imports(module),
        model_class=found.plan.definition.name.value,
    )


def _random_note(draws: list[str]) -> tuple[str, ...]:
    """Random ops are rewritten to ops that draw from the same distributions, which TF2 samples
    differently: the same computation, other numbers (DESIGN's fix safety)."""
    if not draws:
        return ()
    listed = ", ".join(dict.fromkeys(draws))
    return (f"random draws ({listed}): TF2 draws other numbers from the same distributions; "
            "`tf-migrate verify` aligns model variables to prove the rest",)


def _program(module: cst.Module, context: Context, keras: str,
             imported: Mapping[str, ImportedHelper]) -> GraphProgram:
    """The module's program, or that of the one function holding it."""
    program = analyze(module, context, tf1_evidence=True, keras=keras, imported=imported)
    if not program.tf1_program:
        return program
    # `def main():` holding `if ...` blocks does not nest deeply: a few levels are enough.
    for _ in range(3):
        scope = _session_function(program)
        if scope is None:
            break
        program = analyze(module, context, tf1_evidence=True, keras=keras, scope=scope,
                          imported=imported)
    return program


def _session_function(program: GraphProgram) -> cst.FunctionDef | cst.If | None:
    """The one function that holds the program (`def main():` building the graph and running
    the session), when the module's top level builds no graph and runs no session itself."""
    if len(program.session_functions) != 1 or program.sites:
        return None
    if any(s.kind is not Kind.EAGER for s in program.statements):
        return None
    return program.session_functions[0]


def _uses_keras(program: GraphProgram) -> bool:
    return any(s.kind in (Kind.OPTIMIZER, Kind.SCHEDULE, Kind.METRIC, Kind.LAYER)
               or s.train is not None
               for s in program.statements)


def _tensorflow_from_imports(module: cst.Module) -> tuple[ImportedName, ...]:
    """`from tensorflow… import name` at module level, and `import tensorflow.contrib… as
    name`, which TF2 does not have (contrib's layers become Keras layers)."""
    found: list[ImportedName] = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    dotted = code(alias.name)
                    if dotted.startswith("tensorflow.contrib") and alias.asname is not None and (
                            isinstance(alias.asname.name, cst.Name)):
                        found.append(ImportedName(dotted, None, alias.asname.name.value))
                continue
            if (not isinstance(small, cst.ImportFrom) or small.relative or small.module is None
                    or isinstance(small.names, cst.ImportStar)):
                continue
            source = code(small.module)
            if source != "tensorflow" and not source.startswith("tensorflow."):
                continue
            for alias in small.names:
                if isinstance(alias.name, cst.Name):
                    asname = (alias.asname.name.value if alias.asname is not None
                              and isinstance(alias.asname.name, cst.Name) else None)
                    found.append(ImportedName(source, alias.name.value, asname))
    return tuple(found)
