"""The rule pages that JSON's `url` and SARIF's `helpUri` name exist where the package is."""

from __future__ import annotations

import sysconfig
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import tf_migrate
from tf_migrate.report import docs_links

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_lookup() -> Iterator[None]:
    docs_links.pages_folder.cache_clear()
    yield
    docs_links.pages_folder.cache_clear()


def test_the_package_installs_every_rule_page_where_the_links_look() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    data_files = pyproject["tool"]["setuptools"]["data-files"]
    assert data_files == {docs_links.INSTALLED_PAGES.as_posix(): ["docs/rules/*.md"]}
    assert len(list((ROOT / "docs" / "rules").glob("TFM*.md"))) > 40


def test_an_installed_package_links_its_installed_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_lookup: None
) -> None:
    # A wheel's layout: the code in site-packages, the pages under the prefix, no checkout.
    prefix = tmp_path / "venv"
    code = prefix / "lib" / "site-packages" / "tf_migrate" / "__init__.py"
    pages = prefix / docs_links.INSTALLED_PAGES
    pages.mkdir(parents=True)
    for name in ("README.md", "TFM302.md"):
        (pages / name).write_text((ROOT / "docs" / "rules" / name).read_text("utf-8"), "utf-8")
    monkeypatch.setattr(tf_migrate, "__file__", str(code))
    monkeypatch.setattr(sysconfig, "get_path", lambda name, *scheme: str(prefix))
    assert docs_links.docs_url("TFM302") == (pages / "TFM302.md").as_uri()
    assert docs_links.docs_url("TFM999") is None


def test_without_pages_there_is_no_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_lookup: None
) -> None:
    monkeypatch.setattr(tf_migrate, "__file__", str(tmp_path / "pkg" / "tf_migrate" / "x.py"))
    monkeypatch.setattr(sysconfig, "get_path", lambda name, *scheme: str(tmp_path / "prefix"))
    assert docs_links.docs_url("TFM302") is None


def test_the_package_ships_the_reports_stylesheet_and_script() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["tf_migrate"]
    shipped = {p.relative_to(ROOT / "tf_migrate").as_posix() for p in (ROOT / "tf_migrate").glob(
        "report/assets/*")}
    assert shipped == {"report/assets/review.css", "report/assets/review.js"}
    assert "report/assets/*" in patterns
