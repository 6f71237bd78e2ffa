"""Replacing library functions everywhere a program can reach them, before and after it imports
them.

TensorFlow exports one function under several names (``tf.keras.datasets.mnist.load_data`` is
bound in a few API modules), and TF 1.15 loads tf.contrib only when a program touches it. So a
replacement is installed in three ways: in the module that defines the function, when that
module is (or gets) imported; in every loaded module that already holds the original; and in
every library module imported later.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

LIBRARIES = ("tensorflow", "tensorflow_core", "keras", "tf_keras")


class Replacements(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.by_original: dict[int, Any] = {}  # id(original) -> replacement
        self.on_import: dict[str, Callable[[ModuleType], None]] = {}
        self._finding: set[str] = set()

    def when_imported(self, module_name: str, patch: Callable[[ModuleType], None]) -> None:
        """Run ``patch`` on the module now if it is loaded, else right after its import."""
        self.on_import[module_name] = patch
        module = sys.modules.get(module_name)
        if isinstance(module, ModuleType):
            patch(module)

    def replace(self, original: Any, replacement: Any) -> None:
        """Make every library module's name for ``original`` name ``replacement`` instead."""
        self.by_original[id(original)] = replacement
        for module in list(sys.modules.values()):
            self._replace_in(module)

    def install(self) -> None:
        sys.meta_path.insert(0, self)

    def _replace_in(self, module: Any) -> None:
        name = getattr(module, "__name__", "") or ""
        if name.split(".")[0] not in LIBRARIES:
            return
        try:
            # vars(), not getattr(): a lazy module must not be loaded by looking at it.
            items = list(vars(module).items())
        except TypeError:
            return
        for attribute, value in items:
            replacement = self.by_original.get(id(value))
            if replacement is not None and replacement is not value:
                setattr(module, attribute, replacement)

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname.split(".")[0] not in LIBRARIES or fullname in self._finding:
            return None
        self._finding.add(fullname)
        try:
            spec = importlib.util.find_spec(fullname)
        except (ImportError, ValueError):
            return None
        finally:
            self._finding.discard(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        spec.loader = _AfterLoading(spec.loader, self._loaded)
        return spec

    def _loaded(self, module: ModuleType) -> None:
        patch = self.on_import.get(module.__name__)
        if patch is not None:
            patch(module)
        if self.by_original:
            self._replace_in(module)


class _AfterLoading(importlib.abc.Loader):
    def __init__(self, loader: Any, after: Callable[[ModuleType], None]) -> None:
        self.loader = loader
        self.after = after

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        self.after(module)

    def __getattr__(self, name: str) -> Any:
        # get_source, is_package, get_resource_reader...: what the real loader offers.
        return getattr(self.loader, name)
