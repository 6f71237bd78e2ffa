"""Which local names are bound to TensorFlow by imports, read with the stdlib's C parser.

libcst's QualifiedNameProvider answers the same question through a full scope analysis, which
costs more than every rule together. Most files bind `tf` once and never reuse the name, and
for them the import table alone gives exactly the same answer. `exact` says whether that holds;
when it does not (a TF name rebound, used as a parameter, attribute or keyword name, a TF name
assigned to a variable other than once at module level, a star import, syntax newer than this
Python), the engine falls back on the full scope analysis. Module variables assigned once
(`FLAGS = tf.app.flags.FLAGS`, `slim = tf.contrib.slim`, in most TF1 scripts) are named as the
scope analysis names them.
"""

from __future__ import annotations

import ast
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from tf_migrate.analysis.private_names import PRIVATE_ROOT, public_name

TF_ROOT = "tensorflow"


@dataclass(frozen=True)
class ImportTable:
    aliases: Mapping[str, frozenset[str]] = field(default_factory=dict)
    exact: bool = True
    # Module variables bound once to a TF name and never bound or used otherwise (`slim =
    # tf.contrib.slim`, `FLAGS = tf.app.flags.FLAGS`): ordinary variables, which the scope
    # analysis names after themselves ("slim.arg_scope"), and so does NameResolver.
    module_variables: frozenset[str] = frozenset()
    # Facts that tell TF1 code from TF2 code: every TF name the file spells ("tf.train.Saver",
    # normalised as rules see it), and whether it passes `feed_dict=` anywhere.
    tf_names: frozenset[str] = frozenset()
    feeds: bool = False
    compat_v1: bool = False  # imports or spells tensorflow.compat.v1

    @classmethod
    def from_source(cls, source: str) -> ImportTable:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return cls(exact=False)
        return _TableBuilder().build(tree)


def _is_tf(module: str) -> bool:
    return module == TF_ROOT or module.startswith(TF_ROOT + ".")


class _TableBuilder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.aliases: defaultdict[str, set[str]] = defaultdict(set)
        # Names the file binds other than by a TF import or an assignment (parameter, function,
        # class, non-TF import, `global`, `except ... as`, ...): like the names below, any
        # overlap with `aliases` is ambiguous.
        self.other_roles: set[str] = set()
        # `layers = tf.layers`: a TF namespace reached through an ordinary variable.
        self.assigned_chains: list[ast.expr] = []
        # Attribute and keyword names (`x.slim`, `f(slim=1)`): no binding, but a Name node a
        # TF alias must not be mistaken for.
        self.field_names: set[str] = set()
        # How often each name is bound by assignment (stored), and which module-level
        # statements `name = <dotted chain>` bind them.
        self.stores: Counter[str] = Counter()
        self.module_assignments: dict[str, ast.expr] = {}
        self.star_import = False
        self.chains: set[str] = set()
        self.feeds = False

    def build(self, tree: ast.AST) -> ImportTable:
        if isinstance(tree, ast.Module):
            for statement in tree.body:
                assignment = _name_assignment(statement)
                if assignment is not None:
                    self.module_assignments[assignment[0]] = assignment[1]
        self.visit(tree)
        aliases = {name: frozenset(values) for name, values in self.aliases.items()}
        # The TF-rooted chains assigned to one module variable, bound nowhere else: the scope
        # analysis gives that variable its own name, which the table can give too.
        variables = {
            name
            for name, value in self.module_assignments.items()
            if _chain_root(value) in aliases
            and self.stores[name] == 1
            and name not in self.other_roles
            and name not in aliases
        }
        variable_values = {id(self.module_assignments[name]) for name in variables}
        exact = (
            not self.star_import
            # `import tensorflow.compat.v1 as tf` in a branch after `import tensorflow as tf`:
            # which one a use sees depends on where it is, which only the scope analysis tells.
            and all(len(targets) == 1 for targets in aliases.values())
            and not ((self.other_roles | self.field_names | self.stores.keys()) & aliases.keys())
            and all(
                _chain_root(chain) not in aliases or id(chain) in variable_values
                for chain in self.assigned_chains
            )
        )
        qualified = {
            f"{target}{rest}"
            for chain in self.chains
            for root, rest in [_split_root(chain)]
            for target in aliases.get(root, ())
        }
        qualified.update(target for targets in aliases.values() for target in targets)
        compat_v1 = any(_is_compat_v1(name) for name in qualified)
        tf_names = frozenset(filter(None, map(as_tf_name, qualified)))
        return ImportTable(
            aliases, exact, frozenset(variables), tf_names, self.feeds, compat_v1
        )

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            target = alias.name if alias.asname else alias.name.split(".")[0]
            if _is_tf(alias.name):
                self.aliases[bound].add(target)
            else:
                self.other_roles.add(bound)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                self.star_import = self.star_import or _is_tf(module)
                continue
            bound = alias.asname or alias.name
            if node.level == 0 and _is_tf(module):
                self.aliases[bound].add(f"{module}.{alias.name}")
            else:
                self.other_roles.add(bound)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.stores[node.id] += 1
        elif not isinstance(node.ctx, ast.Load):
            self.other_roles.add(node.id)
        else:
            self.chains.add(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.field_names.add(node.attr)
        spelled = _dotted(node)
        if spelled is not None:
            self.chains.add(spelled)
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg:
            self.field_names.add(node.arg)
            self.feeds = self.feeds or node.arg == "feed_dict"
        self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        self.other_roles.add(node.arg)
        self.generic_visit(node)

    def _definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.other_roles.add(node.name)
        self.generic_visit(node)

    visit_FunctionDef = _definition
    visit_AsyncFunctionDef = _definition
    visit_ClassDef = _definition

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.other_roles.add(node.name)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        self.other_roles.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.other_roles.update(node.names)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.other_roles.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.other_roles.add(node.name)

    def visit_Assign(self, node: ast.Assign) -> None:
        if isinstance(node.value, ast.Attribute | ast.Name):
            self.assigned_chains.append(node.value)
        self.generic_visit(node)


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _split_root(chain: str) -> tuple[str, str]:
    root, dot, rest = chain.partition(".")
    return root, dot + rest


def _is_compat_v1(qualified: str) -> bool:
    return qualified == "tensorflow.compat.v1" or qualified.startswith("tensorflow.compat.v1.")


# The module behind a public contrib namespace, which code imports where the namespace's own
# package is empty: in TF 1.15 `import tensorflow.contrib.eager as tfe` gives an empty module,
# `from tensorflow.contrib.eager.python import tfe` the API that `tf.contrib.eager` is.
_CONTRIB_MODULES = {"tensorflow.contrib.eager.python.tfe": "tf.contrib.eager"}


def as_tf_name(qualified: str) -> str | None:
    """"tensorflow.compat.v1.train.Saver" and "tensorflow.train.Saver" -> "tf.train.Saver"; the
    two spell the same TF1 symbol, and so does a private path where TF 1.15 defines it
    ("tensorflow.python.training.saver.Saver"). None for a name outside TensorFlow."""
    if qualified.startswith(PRIVATE_ROOT):
        public = public_name(qualified)
        if public is not None:
            return public
    for module, public in _CONTRIB_MODULES.items():
        if qualified == module or qualified.startswith(module + "."):
            return public + qualified[len(module) :]
    for prefix in ("tensorflow.compat.v1", TF_ROOT):
        if qualified == prefix or qualified.startswith(prefix + "."):
            return "tf" + qualified[len(prefix) :]
    return None


def _chain_root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _name_assignment(statement: ast.stmt) -> tuple[str, ast.expr] | None:
    """`name = a.b.c` (one target, a plain name, a dotted value): the name and the value."""
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and _chain_root(statement.value) is not None
    ):
        return statement.targets[0].id, statement.value
    return None
