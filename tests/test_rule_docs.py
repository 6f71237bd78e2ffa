from pathlib import Path

from tf_migrate.report.rule_pages import expected_pages, rule_page, source_file
from tf_migrate.rules.registry import all_rules

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def test_rule_docs_are_generated_from_the_current_rules() -> None:
    expected = expected_pages()
    on_disk = {page.name: page.read_text("utf-8") for page in DOCS.glob("*.md")}
    stale = sorted(
        name for name in expected.keys() | on_disk.keys() if expected.get(name) != on_disk.get(name)
    )
    assert not stale, f"run `python scripts/generate_rule_docs.py`; stale: {stale}"


def test_each_page_names_the_file_that_defines_its_rule() -> None:
    root = DOCS.parent.parent
    for rule in all_rules():
        source = source_file(rule)
        assert (root / source).is_file(), source
        assert f"[`{source}`](../../{source}), class `{rule.__qualname__}`" in rule_page(rule)
