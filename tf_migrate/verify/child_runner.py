"""Run one program inside a TensorFlow runtime and save its named outputs.

This file is executed by the runtime's own interpreter (Python 3.7 with TF 1.15, or a newer Python
with TF 2.x), never imported by tf-migrate. It loads the ``child`` folder beside it as the package
``tf_migrate_verify_child`` (standard library and numpy only, Python 3.7 syntax; see its
``__init__``) and runs the spec there.

Usage: python child_runner.py SPEC.json   (fork_server.py beside it runs many specs warm;
child/main.py lists the keys of SPEC.json)
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from types import ModuleType

PACKAGE = "tf_migrate_verify_child"
HERE = os.path.dirname(os.path.abspath(__file__))


def load_package() -> ModuleType:
    """The runtime-side package, under a name no program imports by accident."""
    folder = os.path.join(HERE, "child")
    if PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            PACKAGE, os.path.join(folder, "__init__.py"), submodule_search_locations=[folder]
        )
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {folder}")
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(PACKAGE + ".main")


def run_spec_file(spec_path: str) -> None:
    load_package().run_spec_file(spec_path)


def forget_own_folder() -> None:
    """`python child_runner.py` puts this file's folder first on sys.path, where the program
    would find tf-migrate's own modules (`import compare` would not fail as it should)."""
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != HERE]


def main(argv: list[str]) -> None:
    forget_own_folder()
    run_spec_file(argv[1])
    # TensorFlow's atexit handlers and thread pools can take seconds or hang; the results are
    # already written.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
