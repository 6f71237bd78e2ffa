"""Regenerate tf_migrate/cst/fields.py from the installed libcst:
python scripts/generate_cst_fields.py"""

from pathlib import Path

from tf_migrate.cst.layout import libcst_version, render_module

if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "tf_migrate" / "cst" / "fields.py"
    text = render_module()
    if target.exists() and target.read_text("utf-8") == text:
        print(f"{target} is up to date (libcst {libcst_version()})")
    else:
        target.write_text(text, "utf-8")
        print(f"{target} written from libcst {libcst_version()}")
