from pathlib import Path

from tf_migrate.rule_docs import expected_pages

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def test_rule_docs_are_generated_from_the_current_rules() -> None:
    expected = expected_pages()
    on_disk = {page.name: page.read_text("utf-8") for page in DOCS.glob("*.md")}
    stale = sorted(
        name for name in expected.keys() | on_disk.keys() if expected.get(name) != on_disk.get(name)
    )
    assert not stale, f"run `python scripts/generate_rule_docs.py`; stale: {stale}"
