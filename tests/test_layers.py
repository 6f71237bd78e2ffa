"""The package is layered: a module imports only from its own layer or the layers below it, and no
import cycle exists, not even inside one package. Imports inside functions count; imports under
`if TYPE_CHECKING:` do not (they never run)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tf_migrate"

# Bottom to top. A module belongs to the first entry its name equals or starts with + ".".
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "tf_migrate.model",
        "tf_migrate.settings",
        "tf_migrate.files",
        "tf_migrate.notebooks",
        "tf_migrate.writing",
    ),
    ("tf_migrate.cst",),
    ("tf_migrate.analysis",),
    ("tf_migrate.programs",),
    ("tf_migrate.rules",),
    ("tf_migrate.engine",),
    ("tf_migrate.report", "tf_migrate.verify"),
    ("tf_migrate.cli", "tf_migrate.cli_common", "tf_migrate.cli_report", "tf_migrate.__main__"),
)
# Within a layer: analysis of a program only reads, so it never imports the code that writes.
FORBIDDEN = (("tf_migrate.programs.analyze", "tf_migrate.programs.emit"),)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            yield from (i for n in child.orelse for i in _imports(ast.Module([n], [])))
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from _imports(child)


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The project modules an import statement loads (a package's submodule where it names one)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                 for alias in node.names]
    found = set()
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name.startswith("tf_migrate"):
            found.add(name)
    return found


GRAPH = {
    module: {
        target
        for node in _imports(ast.parse(path.read_text("utf-8")))
        for target in _targets(module, node)
        if target != module
    }
    for module, path in MODULES.items()
}


def _layer(module: str) -> int | None:
    for index, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    return None


def test_every_module_has_a_layer() -> None:
    assert [m for m in MODULES if m != "tf_migrate" and _layer(m) is None] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layers(module: str) -> None:
    own = _layer(module)
    upward = sorted(
        target for target in GRAPH[module]
        if own is not None and (_layer(target) or 0) > own
    )
    assert upward == [], f"{module} (layer {own}) imports from above: {upward}"
    for lower, upper in FORBIDDEN:
        if module == lower or module.startswith(lower + "."):
            assert not any(t == upper or t.startswith(upper + ".") for t in GRAPH[module])


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                connect(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return found


def test_no_import_cycles() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_the_checker_sees_imports_inside_functions_and_skips_type_checking_blocks() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tf_migrate.cli import main\n"
        "def f():\n    from tf_migrate.engine import run\n"
    )
    loaded = {t for node in _imports(ast.parse(source)) for t in _targets("tf_migrate.model", node)}
    assert loaded == {"tf_migrate.engine.run"}
