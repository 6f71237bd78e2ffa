"""Regenerate docs/rules/ from the rules: python scripts/generate_rule_docs.py"""

from pathlib import Path

from tf_migrate.report.rule_pages import write_pages

if __name__ == "__main__":
    folder = Path(__file__).resolve().parent.parent / "docs" / "rules"
    changed = write_pages(folder)
    print(f"{len(changed)} page(s) written in {folder}" if changed else "docs/rules/ is up to date")
