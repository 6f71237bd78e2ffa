"""`tf.logging`, `tf.flags` and `tf.app` as the absl modules TF1 wrapped: the names a use becomes
(`tf.logging.info` -> `logging.info`), under an alias where the module binds the plain name
otherwise (`import logging` -> `absl_logging`), with the import that needs and the
`from tensorflow import logging` it leaves unused."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import libcst as cst

from tf_migrate.cst.arguments import bind_args, keyword_arg
from tf_migrate.cst.dotted import dotted
from tf_migrate.rules.support.rule import NeededImport, Rule, UnusedImport

# absl.logging's names for tf.logging's: the functions and levels both have (tf.logging.WARN
# was the stdlib's WARNING level, absl spells it so too).
LOGGING_NAMES: Mapping[str, str] = {
    **{name: name for name in (
        "debug", "info", "warning", "error", "fatal", "log", "log_every_n", "log_first_n", "vlog",
        "flush", "get_verbosity", "set_verbosity", "DEBUG", "INFO", "WARNING", "ERROR",
        "FATAL")},
    "warn": "warning", "WARN": "WARNING",
}


@dataclass(frozen=True)
class AbslUse:
    """A use's absl form: the expression, the import it needs and the TF import it may leave
    unused."""

    expression: cst.BaseExpression
    imports: tuple[NeededImport, ...]
    removals: tuple[UnusedImport, ...]


def absl_use(rule: Rule, node: cst.Attribute | cst.Name, name: str, key: str, module: str,
             bound: Collection[str], members: Mapping[str, str] | None = None
             ) -> AbslUse | None:
    """`name` (under the TF namespace `key`) as a name of absl's `module`; None when `members`
    (absl's names for the namespace's) has no counterpart for it."""
    rest = name[len(key):].lstrip(".")
    first, _, tail = rest.partition(".")
    if members is not None and first and first not in members:
        return None
    alias = module if module not in bound else f"absl_{module}"
    parts = [alias, *([members.get(first, first) if members else first] if first else []),
             *([tail] if tail else [])]
    needed = NeededImport("absl", module, asname=None if alias == module else alias)
    return AbslUse(dotted(".".join(parts)), (needed,), _tf_import(rule, node))


def _tf_import(rule: Rule, node: cst.BaseExpression) -> tuple[UnusedImport, ...]:
    """`from tensorflow import logging [as log]`, which `node` reaches the namespace through."""
    root = node
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name):
        return ()
    for qualified in rule.qualified_names(root):
        module, _, obj = qualified.name.rpartition(".")
        if module.startswith("tensorflow") and qualified.name.startswith("tensorflow."):
            return (UnusedImport(module, obj, None if obj == root.value else root.value),)
    return ()


def plain_bindings(module: cst.Module, names: Collection[str]) -> set[str]:
    """Which of `names` the module binds other than by importing them from TensorFlow (the
    stdlib's `import logging`, a function named `flags`)."""
    found: set[str] = set()
    for statement in module.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else []:
            if isinstance(small, cst.ImportFrom) and small.module is not None and cst.Module(
                    []).code_for_node(small.module).startswith("tensorflow"):
                continue
            if isinstance(small, cst.Import | cst.ImportFrom) and not isinstance(
                    small.names, cst.ImportStar):
                for alias in small.names:
                    bound = alias.evaluated_alias or alias.evaluated_name.split(".")[0]
                    if bound in names:
                        found.add(bound)
            if isinstance(small, cst.Assign):
                found |= {t.target.value for t in small.targets
                          if isinstance(t.target, cst.Name) and t.target.value in names}
        if isinstance(statement, cst.FunctionDef | cst.ClassDef) and (
                statement.name.value in names):
            found.add(statement.name.value)
    return found


def app_run(rule: Rule, call: cst.Call, bound: Collection[str], has_main: bool
            ) -> tuple[cst.Call, tuple[NeededImport, ...], tuple[UnusedImport, ...]] | None:
    """`tf.app.run(main, argv)` as `app.run(main, argv=argv, flags_parser=...)` with TF1's
    parser, which let undefined flags through; `tf.app.run()` runs the module's `main`, as TF1
    found it. None where there is no `main` to pass."""
    arguments = bind_args(call, ("main", "argv"))
    if arguments is None:
        return None
    main = arguments.get("main")
    if main is None or (isinstance(main, cst.Name) and main.value == "None"):
        if not has_main:
            return None
        main = cst.Name("main")
    app = "app" if "app" not in bound else "absl_app"
    flags = "flags" if "flags" not in bound else "absl_flags"
    parser = cst.parse_expression(f"lambda argv: {flags}.FLAGS(argv, known_only=True)")
    args = [cst.Arg(main)]
    if "argv" in arguments:
        args.append(keyword_arg("argv", arguments["argv"]))
    args.append(keyword_arg("flags_parser", parser))
    imports = (NeededImport("absl", "app", asname=None if app == "app" else app),
               NeededImport("absl", "flags", asname=None if flags == "flags" else flags))
    return cst.Call(dotted(f"{app}.run"), args), imports, _tf_import(rule, call.func)


def flags_unparsed(module: cst.Module, tf_name: Callable[[cst.CSTNode], str | None]
                   ) -> str | None:
    """Why absl's FLAGS may be read before they are parsed, where TF1's parsed the command line
    at the first read; None when the program parses them with `app.run` before any read."""
    runs = _Runs(tf_name)
    module.visit(runs)
    if not runs.found:
        return ("the program does not parse its flags with `tf.app.run`: TF1's FLAGS parsed the "
                "command line at its first read, absl's raise until they are parsed")
    names = {t.target.value for s in module.body if isinstance(s, cst.SimpleStatementLine)
             for small in s.body if isinstance(small, cst.Assign)
             and isinstance(small.value, cst.Attribute) and small.value.attr.value == "FLAGS"
             for t in small.targets if isinstance(t.target, cst.Name)}
    reads = _ModuleLevelReads(names)
    for statement in module.body:
        statement.visit(reads)
    if reads.found:
        return (f"`{reads.found[0]}` is read at module level, before `app.run` parses the flags "
                "(TF1's FLAGS parsed the command line at their first read, absl's raise)")
    return None


class _Runs(cst.CSTVisitor):
    def __init__(self, tf_name: Callable[[cst.CSTNode], str | None]) -> None:
        super().__init__()
        self.tf_name = tf_name
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        text = cst.Module([]).code_for_node(node.func)
        if self.tf_name(node.func) == "tf.app.run" or text in ("app.run", "absl.app.run"):
            self.found = True


class _ModuleLevelReads(cst.CSTVisitor):
    """Reads of a flag (`FLAGS.steps`, `tf.app.flags.FLAGS.steps`) outside functions and
    classes."""

    def __init__(self, names: Collection[str]) -> None:
        super().__init__()
        self.names = names
        self.found: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        value = node.value
        if (isinstance(value, cst.Name) and value.value in self.names) or (
                isinstance(value, cst.Attribute) and value.attr.value == "FLAGS"):
            self.found.append(cst.Module([]).code_for_node(node))
