"""Set-up shared by every test: runs without a configuration file keep their result cache in the
user's cache folder, which tests redirect to a temporary one."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tf_migrate.engine.cache import CACHE_DIR_ENV


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    previous = os.environ.get(CACHE_DIR_ENV)
    os.environ[CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if previous is None:
        del os.environ[CACHE_DIR_ENV]
    else:
        os.environ[CACHE_DIR_ENV] = previous
