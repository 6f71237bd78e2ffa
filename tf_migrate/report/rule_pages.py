"""docs/rules/: one Markdown page per rule and an index, rendered from the rules themselves."""

from __future__ import annotations

from pathlib import Path

from tf_migrate.report.rule_examples import example_message, fix_kinds_text
from tf_migrate.rules.registry import all_rules
from tf_migrate.rules.support.rule import Invalid, Rule, Valid


def source_file(rule: type[Rule]) -> str:
    """Where the rule is defined, relative to the repository (or site-packages) root."""
    return rule.__module__.replace(".", "/") + ".py"


def rule_page(rule: type[Rule]) -> str:
    lines = [f"# {rule.code} {rule.name}", ""]
    lines += [f"*Message (from the first example):* {example_message(rule)}", ""]
    lines += [f"*Applicability:* {applicability_text(rule)}", ""]
    source = source_file(rule)
    lines += [f"*Source:* [`{source}`](../../{source}), class `{rule.__qualname__}`", ""]
    lines += [rule.documentation(), ""]
    invalid = [e for e in rule.examples if isinstance(e, Invalid)]
    valid = [e for e in rule.examples if isinstance(e, Valid)]
    if invalid:
        lines += ["## Examples the rule reports", ""]
        for bad in invalid:
            lines += ["```python", bad.code.rstrip(), "```", ""]
            if bad.fixed is not None:
                lines += ["becomes", "", "```python", bad.fixed.rstrip(), "```", ""]
    if valid:
        lines += ["## Examples the rule accepts", ""]
        for good in valid:
            lines += ["```python", good.code.rstrip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def applicability_text(rule: type[Rule]) -> str:
    kinds = fix_kinds_text(rule)
    if "," in kinds or " or " in kinds:
        return f"{kinds}, finding by finding (the examples show each)"
    return kinds if kinds != "manual" else "manual (no automatic fix)"


def index_page() -> str:
    lines = [
        "# Rules",
        "",
        "Each message is the one the rule gives on its first example. `tf-migrate explain CODE`",
        "prints a rule's page.",
        "",
        "| code | name | fix | message |",
        "|---|---|---|---|",
    ]
    for rule in all_rules():
        fix = fix_kinds_text(rule)
        message = example_message(rule).replace("|", "\\|")
        lines.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {fix} | {message} |")
    return "\n".join(lines) + "\n"


def expected_pages() -> dict[str, str]:
    pages = {f"{rule.code}.md": rule_page(rule) for rule in all_rules()}
    pages["README.md"] = index_page()
    return pages


def write_pages(folder: Path) -> list[str]:
    """Write the pages, delete pages of rules that no longer exist; returns the changed names."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = expected_pages()
    changed = []
    for name, text in pages.items():
        target = folder / name
        if not target.exists() or target.read_text("utf-8") != text:
            target.write_text(text, "utf-8")
            changed.append(name)
    for stale in folder.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
            changed.append(stale.name)
    return changed
