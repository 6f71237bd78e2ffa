"""The engine's cheap name resolution and positions must agree with libcst's providers."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider, QualifiedNameProvider

from tf_migrate.analysis.imports import ImportTable
from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.cst.positions import PositionIndex

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = sorted(
    [*ROOT.glob("tests/idioms/**/*.py"), *ROOT.glob("fixtures/*/*.py")],
    key=lambda path: str(path),
)


class _Chains(cst.CSTVisitor):
    """Every Name and Attribute outside import statements (rules never resolve those)."""

    def __init__(self) -> None:
        self.nodes: list[cst.Name | cst.Attribute] = []

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.nodes.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.nodes.append(node)


def _tf_names(names: object) -> set[str]:
    if callable(names):  # libcst stores some metadata as lazily evaluated values
        names = names()
    return {q.name for q in names if q.name.split(".")[0] == "tensorflow"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: str(p.relative_to(ROOT)))
def test_import_table_names_equal_scope_analysis(path: Path) -> None:
    code = path.read_text("utf-8")
    wrapper = MetadataWrapper(cst.parse_module(code))
    table = ImportTable.from_source(code)
    if not table.exact:
        pytest.skip("ambiguous names: the engine uses libcst's scope analysis here")
    scope = wrapper.resolve(QualifiedNameProvider)
    fast = NameResolver(table)
    chains = _Chains()
    wrapper.module.visit(chains)
    for node in chains.nodes:
        expected = _tf_names(scope.get(node, set()))
        if expected or _tf_names(fast.qualified_names(node)):
            assert _tf_names(fast.qualified_names(node)) == expected, cst.Module([]).code_for_node(
                node
            )


@pytest.mark.parametrize(
    "source",
    [
        "import tensorflow as tf\ndef f(tf):\n    return tf.log(1)\n",
        "from tensorflow import layers\nclass M:\n    layers = []\n",
        "import tensorflow as tf\ndef f():\n    slim = tf.contrib.slim\n",
        "import tensorflow as tf\nslim = tf.contrib.slim\nslim = None\n",
        "import tensorflow as tf\nslim = tf.contrib.slim\ndef f(slim):\n    return slim\n",
        "import tensorflow as tf\ntf = None\n",
        "from tensorflow import *\n",
        "import tensorflow as tf\nf(tf=1)\n",
        "import tensorflow as tf\nif tf.__version__ < '2':\n    pass\nelse:\n"
        "    import tensorflow.compat.v1 as tf\n",
    ],
)
def test_ambiguous_files_fall_back_to_scope_analysis(source: str) -> None:
    assert not ImportTable.from_source(source).exact


class _ValueNames(_Chains):
    """Names and chains in value position: attribute and keyword names left out (the resolver
    is asked about a chain's root and about assignment targets, never about those)."""

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.nodes.append(node)
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False


WITH_MODULE_VARIABLES = [
    path for path in PROGRAMS if ImportTable.from_source(path.read_text("utf-8")).module_variables
]


@pytest.mark.parametrize("path", WITH_MODULE_VARIABLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_variables_are_named_as_scope_analysis_names_them(path: Path) -> None:
    code = path.read_text("utf-8")
    table = ImportTable.from_source(code)
    assert table.exact
    wrapper = MetadataWrapper(cst.parse_module(code))
    scope = wrapper.resolve(QualifiedNameProvider)
    fast = NameResolver(table)
    names = _ValueNames()
    wrapper.module.visit(names)

    def of_variables(found: object) -> set[tuple[str, object]]:
        if callable(found):
            found = found()
        return {
            (q.name, q.source)
            for q in found  # type: ignore[attr-defined]
            if q.name.split(".")[0] in table.module_variables
        }

    for node in names.nodes:
        expected = of_variables(scope.get(node, set()))
        assert of_variables(fast.qualified_names(node)) == expected, cst.Module([]).code_for_node(
            node
        )


def test_module_variables_bound_to_tf_names() -> None:
    code = (
        "import tensorflow as tf\nslim = tf.contrib.slim\nFLAGS = tf.app.flags.FLAGS\n"
        "net = slim.conv2d(x, 1)\ndef f():\n    return FLAGS.lr, x.slim, g(slim=1)\n"
    )
    table = ImportTable.from_source(code)
    assert table.exact and table.module_variables == {"slim", "FLAGS"}
    module = cst.parse_module(code)
    assign = module.body[3].body[0]  # type: ignore[attr-defined]
    call = assign.value
    names = {q.name for q in NameResolver(table).qualified_names(call.func)}
    assert names == {"slim.conv2d"}


def test_unambiguous_aliases() -> None:
    table = ImportTable.from_source(
        "import tensorflow as tf\nimport tensorflow.compat.v1 as v1\nimport tensorflow\n"
        "from tensorflow import layers as L\nimport numpy as np\nx = np.log(tf.log(2))\n"
    )
    assert table.exact
    assert dict(table.aliases) == {
        "tf": {"tensorflow"},
        "v1": {"tensorflow.compat.v1"},
        "tensorflow": {"tensorflow"},
        "L": {"tensorflow.layers"},
    }


@pytest.mark.parametrize("path", PROGRAMS[::7], ids=lambda p: str(p.relative_to(ROOT)))
def test_positions_equal_position_provider(path: Path) -> None:
    code = path.read_text("utf-8")
    wrapper = MetadataWrapper(cst.parse_module(code))
    expected = wrapper.resolve(PositionProvider)
    index = PositionIndex(wrapper.module)
    assert expected
    for node, code_range in expected.items():
        assert index.range(node) == code_range
