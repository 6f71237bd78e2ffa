"""Where a rule's page is, for the `url` of JSON findings and the `helpUri` of SARIF rules.

The pages of docs/rules/ are installed with the package, under `<prefix>/share/doc/tf-migrate/
rules/` (the data-files of pyproject.toml); in a source checkout they are read where they are.
Either way the URL is the `file:` URI of a page that exists on the machine that ran the check,
named `<CODE>.md`; where neither copy exists there is no URL, and `tf-migrate explain CODE`
prints the same page (SARIF's rule help carries its text in any case).
"""

from __future__ import annotations

import sysconfig
from functools import cache
from pathlib import Path

import tf_migrate

# Relative to an installation prefix; pyproject.toml's [tool.setuptools.data-files] names it.
INSTALLED_PAGES = Path("share", "doc", "tf-migrate", "rules")


def _candidates() -> list[Path]:
    checkout = Path(tf_migrate.__file__).resolve().parent.parent / "docs" / "rules"
    prefixes = [sysconfig.get_path("data")]
    user_scheme = sysconfig.get_preferred_scheme("user")
    prefixes.append(sysconfig.get_path("data", user_scheme))
    return [checkout, *(Path(prefix) / INSTALLED_PAGES for prefix in prefixes)]


@cache
def pages_folder() -> Path | None:
    """The folder of rule pages next to this code: a checkout's docs/rules, else the installed
    copy; None when neither exists."""
    for folder in _candidates():
        if (folder / "README.md").is_file():
            return folder
    return None


def docs_url(code: str) -> str | None:
    folder = pages_folder()
    if folder is None or not (folder / f"{code}.md").is_file():
        return None
    return (folder / f"{code}.md").as_uri()


def explain_command(code: str) -> str:
    return f"tf-migrate explain {code}"
