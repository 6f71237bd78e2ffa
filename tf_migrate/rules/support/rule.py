"""The rule contract: a rule is a read-only libcst visitor that reports findings, each optionally
carrying a replacement node. The engine decides which replacements to apply (see engine/fixer.py).

A rule class declares:
  code, name        "TFM101", "placeholder" (reads as "allow placeholder")
  message           default finding message (what is wrong and what the TF2 form is)
  fix_title         what the fix does, when the rule has one
  applicability     default applicability of its fixes
  examples          Valid(...) and Invalid(...) snippets; every one becomes a test
  METADATA_DEPENDENCIES   extra libcst metadata it reads (qualified names and positions are given)
and a docstring with the sections What it does / Why is this bad? / Example / Use instead /
Fix safety, from which docs/rules/ is generated.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import ClassVar

import libcst as cst
from libcst.metadata import CodeRange, ProviderT, QualifiedName

from tf_migrate.analysis.file_facts import FileFacts
from tf_migrate.analysis.imports import ImportTable
from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.cst.positions import PositionIndex
from tf_migrate.model import Applicability
from tf_migrate.settings import RuleOptions as RuleOptions

Replacement = cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]


@dataclass(frozen=True)
class DeferredReplacement:
    """A replacement built only when its fix is applied. For a rewrite that costs as much as
    the analysis behind it (a whole session program), which `check` never applies."""

    build: Callable[[], Replacement]



@dataclass(frozen=True)
class Valid:
    """Code the rule must not report."""

    code: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", textwrap.dedent(self.code))


@dataclass(frozen=True)
class Invalid:
    """Code the rule must report; `fixed` is the code after its fix (None: no automatic fix).

    Fixes are applied with unsafe fixes enabled, so an unsafe rule's example shows its fix too.
    """

    code: str
    fixed: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", textwrap.dedent(self.code))
        if self.fixed is not None:
            object.__setattr__(self, "fixed", textwrap.dedent(self.fixed))


@dataclass(frozen=True)
class NeededImport:
    """An import a fix relies on; added through libcst's AddImportsVisitor when the fix applies."""

    module: str
    obj: str | None = None
    asname: str | None = None


@dataclass(frozen=True)
class UnusedImport:
    """An import a fix may have made unused; removed only if nothing else uses it."""

    module: str
    obj: str | None = None
    asname: str | None = None


@dataclass
class Report:
    """A finding as the rule produced it, before the engine turned it into a `Finding`."""

    rule: type[Rule]
    node: cst.CSTNode
    message: str
    applicability: Applicability
    replacement: Replacement | DeferredReplacement | None = None
    fix_title: str | None = None
    add_imports: Sequence[NeededImport] = field(default_factory=tuple)
    remove_imports: Sequence[UnusedImport] = field(default_factory=tuple)

    @property
    def has_fix(self) -> bool:
        return self.replacement is not None and self.applicability is not Applicability.MANUAL


class Rule(cst.BatchableCSTVisitor):
    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    fix_title: ClassVar[str | None] = None
    applicability: ClassVar[Applicability] = Applicability.MANUAL
    examples: ClassVar[Sequence[Valid | Invalid]] = ()
    # Qualified names, positions and TF symbol uses come from the engine (see `attach`),
    # computed once per file and far cheaper than libcst's providers; a rule lists only other
    # metadata it reads here.
    METADATA_DEPENDENCIES: ClassVar[Collection[ProviderT]] = ()

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__()
        self.options = options or RuleOptions()
        self.reports: list[Report] = []
        self._import_depth = 0
        self._names = NameResolver(ImportTable())
        self._positions: PositionIndex | None = None
        self._facts: FileFacts | None = None

    def attach(self, facts: FileFacts) -> None:
        """Give the rule what the engine resolved of the file before the rule visits it."""
        self._facts = facts
        self._names = facts.names
        self._positions = facts.positions

    @property
    def facts(self) -> FileFacts:
        if self._facts is None:
            raise RuntimeError(f"{self.code}: file facts are only known while visiting a file")
        return self._facts

    # Names inside import statements are bindings, not uses: rules must not report them.
    def visit_Import(self, node: cst.Import) -> None:
        self._import_depth += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._import_depth -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._import_depth += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._import_depth -= 1

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        # libcst inspects every visitor instance on every traversal (~10 ms each); the methods a
        # rule class defines never change, so look them up once per class.
        return {name: getattr(self, name) for name in _visitor_method_names(type(self))}

    @property
    def in_import(self) -> bool:
        return self._import_depth > 0

    def report(
        self,
        node: cst.CSTNode,
        message: str | None = None,
        *,
        replacement: Replacement | DeferredReplacement | None = None,
        applicability: Applicability | None = None,
        fix_title: str | None = None,
        add_imports: Sequence[NeededImport] = (),
        remove_imports: Sequence[UnusedImport] = (),
    ) -> None:
        if applicability is None:
            applicability = self.applicability if replacement is not None else Applicability.MANUAL
        self.reports.append(
            Report(
                rule=type(self),
                node=node,
                message=message or self.message,
                applicability=applicability,
                replacement=replacement,
                fix_title=fix_title or self.fix_title,
                add_imports=tuple(add_imports),
                remove_imports=tuple(remove_imports),
            )
        )

    def qualified_names(self, node: cst.CSTNode) -> set[QualifiedName]:
        return self._names.qualified_names(node)

    def file_shows_tf1(self) -> bool:
        """Whether this file is TF1 code (see `FileFacts.shows_tf1`)."""
        return self.facts.shows_tf1()

    def position(self, node: cst.CSTNode) -> CodeRange:
        """Where `node` is (1-based line, 0-based column), as libcst's PositionProvider says."""
        if self._positions is None:
            raise RuntimeError(f"{self.code}: positions are only known while visiting a file")
        return self._positions.range(node)

    def tf_name(self, node: cst.CSTNode) -> str | None:
        """The TensorFlow symbol `node` refers to, as `tf.x.y`, whatever the import style.

        `tf.log` under `import tensorflow as tf` or `import tensorflow.compat.v1 as tf`, and `log`
        under `from tensorflow import log`, all give "tf.log". Returns None for anything else.
        """
        if self.in_import:
            return None
        return self._names.tf_name(node)

    @classmethod
    def documentation(cls) -> str:
        # cleandoc, not dedent: a docstring's first line carries no indentation.
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.documentation().split("\n", 1)[0] if cls.__doc__ else cls.message


@cache
def _visitor_method_names(cls: type[Rule]) -> tuple[str, ...]:
    """The visit_/leave_ methods of `cls` that libcst would call.

    Only classes outside libcst can define real ones (libcst's own are no-op stubs), and reading
    their __dict__ is far cheaper than inspect.getmembers over libcst's hundreds of stubs.
    """
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("libcst") or klass is object:
            continue
        names.update(
            name
            for name, value in vars(klass).items()
            if name.startswith(("visit_", "leave_")) and callable(value)
        )
    return tuple(sorted(names))
