"""Figures of the session-program rewrite (rule TFM150) over a corpus of real TF1 code.

    python bench/corpus_figures.py CORPUS_DIR [--tf-migrate "tf-migrate"] [--unsafe-fixes]
        [--json OUT]

One `tf-migrate check` of the corpus classifies every session program (a file with a TFM150,
TFM102 or TFM104 finding) as rewritten, unsafe, refused or not analysed, with histograms of the
reasons; then `tf-migrate fix` runs twice on a temporary copy to see whether the fixed files still
compile, whether a second fix changes anything, and how many TF1 findings are gone. Nothing is
asserted: this prints figures. Build the corpus with `python bench/fetch_corpus.py CORPUS_DIR`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tf_migrate.analysis.project_paths import imported_project_files

SUFFIXES = (".py", ".ipynb")
SESSION_CODES = {"TFM150", "TFM102", "TFM104"}
NOT_IDIOMS = {"TFM000", "TFM001"}  # a parse error and a compat.v1 fallback are no TF1 idiom
REFUSED = "The session program is not rewritten:"
CLASSES = ("rewritten", "unsafe", "refused", "not analysed")
# The families a program may use, judged by its other findings, each with its codes.
FAMILIES: dict[str, frozenset[str]] = {
    "variables/layers/RNN/contrib (TFM301-305)": frozenset(f"TFM30{i}" for i in range(1, 6)),
    "Saver (TFM701)": frozenset({"TFM701"}),
    "summaries (TFM703/704)": frozenset({"TFM703", "TFM704"}),
    "Estimator (TFM601-603)": frozenset({"TFM601", "TFM602", "TFM603"}),
}
EVERY_FAMILY = frozenset().union(*FAMILIES.values())
CELL_PREFIX = re.compile(r"^cell \d+: ")  # notebook findings name their cell first
LINE_MARK = re.compile(r"\s*\((?:cell \d+, )?line \d+\)")
PLACE = re.compile(r"[\w./-]+\.py:\d+")  # a place in another file of the project
TICKED = re.compile(r"`[^`]*`")


Finding = dict[str, Any]


@dataclass
class Program:
    filename: str
    klass: str
    codes: set[str]
    reasons: list[str] = field(default_factory=list)  # normalised refusal or unsafe reasons
    # The codes found in the project modules the program imports, directly or through others:
    # a model built in `model.py` with `tf.get_variable` makes its training script use that
    # family too.
    module_codes: set[str] = field(default_factory=set)

    @property
    def every_code(self) -> set[str]:
        return self.codes | self.module_codes


# ---------------------------------------------------------------- running tf-migrate


def run_tool(command: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    # The corpus folder is the working folder, so that findings name files relative to it and
    # no cache or configuration of the caller's folder comes into play.
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return done, time.perf_counter() - start


def check(tool: list[str], corpus: Path) -> tuple[list[Finding], float]:
    command = [*tool, "check", ".", "--output-format", "json", "--exit-zero", "--no-cache",
               "--no-progress"]
    done, seconds = run_tool(command, corpus)
    try:
        findings: list[Finding] = json.loads(done.stdout)
    except json.JSONDecodeError:
        # Without findings there are no figures: show what tf-migrate said and stop.
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"`{shlex.join(command)}` gave no JSON (exit {done.returncode})") from None
    for finding in findings:
        finding["filename"] = os.path.normpath(finding["filename"])
    return findings, seconds


def fix(tool: list[str], corpus: Path, unsafe: bool) -> tuple[int, str, float]:
    command = [*tool, "fix", ".", "--no-cache", "--no-progress", "--quiet"]
    if unsafe:
        command.append("--unsafe-fixes")
    done, seconds = run_tool(command, corpus)
    # Exit 1 only means findings remain; anything else is worth showing.
    trouble = done.stderr.strip()[-2000:] if done.returncode not in (0, 1) else ""
    return done.returncode, trouble, seconds


# ---------------------------------------------------------------- classifying programs


def by_file(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    files: dict[str, list[Finding]] = {}
    for finding in findings:
        files.setdefault(finding["filename"], []).append(finding)
    return files


def bare_message(finding: Finding) -> str:
    return CELL_PREFIX.sub("", finding["message"])


def normalise(reason: str) -> str:
    """One reason as a histogram key: no line numbers, every `name` the same."""
    reason = LINE_MARK.sub("", reason)
    reason = TICKED.sub("…", reason)
    reason = PLACE.sub("FILE:N", reason)
    return re.sub(r"\bline \d+", "line N", reason).strip()


def refusal_reasons(message: str) -> list[str]:
    text = message[len(REFUSED):].strip()
    # Split after each "(line N)" rather than at every "; ", which a reason may itself contain.
    parts = re.findall(r".*?\((?:cell \d+, )?line \d+\)(?=; |$)", text)
    return [part.removeprefix("; ") for part in parts] if parts else text.split("; ")


def unsafe_reasons(message: str) -> list[str]:
    start = message.rfind("(unsafe: ")
    if start < 0:
        return []
    return message[start + len("(unsafe: "):].removesuffix(")").split("; ")


def applicability(finding: Finding) -> str | None:
    return (finding["fix"] or {}).get("applicability")


def classify(filename: str, findings: list[Finding]) -> Program | None:
    codes = {finding["code"] for finding in findings}
    if not codes & SESSION_CODES:
        return None
    programs = [f for f in findings if f["code"] == "TFM150"]
    refused = [bare_message(f) for f in programs if bare_message(f).startswith(REFUSED)]
    unsafe = [bare_message(f) for f in programs if applicability(f) == "unsafe"]
    safe = [f for f in programs if applicability(f) == "safe"]
    # A notebook may hold several programs: the file counts by its worst one.
    if refused:
        reasons = [normalise(r) for message in refused for r in refusal_reasons(message)]
        return Program(filename, "refused", codes, reasons)
    if unsafe:
        reasons = [normalise(r) for message in unsafe for r in unsafe_reasons(message)]
        return Program(filename, "unsafe", codes, reasons)
    if safe:
        return Program(filename, "rewritten", codes)
    if programs:  # a TFM150 of no known kind: counted apart, never silently as one of the four
        return Program(filename, "other TFM150", codes)
    return Program(filename, "not analysed", codes)


def imported_modules(corpus: Path, filename: str) -> set[str]:
    """The corpus files `filename` imports, directly or through each other, relative to
    `corpus`, as tf-migrate's own project analysis resolves them."""
    seen: set[Path] = set()
    pending = [corpus / filename]
    while pending:
        path = pending.pop()
        try:
            source = path.read_bytes()
        except OSError:
            continue
        for found in imported_project_files(path, source):
            if found not in seen:
                seen.add(found)
                pending.append(found)
    return {str(path.relative_to(corpus)) for path in seen if path.is_relative_to(corpus)}


def add_module_codes(corpus: Path, programs: list[Program],
                     files: dict[str, list[Finding]]) -> None:
    for program in programs:
        for module in imported_modules(corpus, program.filename) - {program.filename}:
            program.module_codes.update(finding["code"] for finding in files.get(module, ()))


def histogram(programs: Iterable[Program]) -> list[tuple[str, int]]:
    """Programs per normalised reason (a program counts once per reason), most frequent first."""
    counts = Counter(reason for p in programs for reason in dict.fromkeys(p.reasons))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def family_rows(programs: list[Program]) -> dict[str, dict[str, Any]]:
    every = EVERY_FAMILY
    groups = {"all session programs": programs,
              "programs with none of those families":
                  [p for p in programs if not p.every_code & every],
              "  of which none in the file itself": [p for p in programs if not p.codes & every],
              }
    for name, codes in FAMILIES.items():
        groups[f"using {name}"] = [p for p in programs if p.every_code & codes]
    return {name: tally(group) for name, group in groups.items()}


def tally(programs: list[Program]) -> dict[str, Any]:
    counts = Counter(p.klass for p in programs)
    row: dict[str, Any] = {"programs": len(programs), **{klass: counts[klass] for klass in CLASSES}}
    if counts["other TFM150"]:
        row["other TFM150"] = counts["other TFM150"]
    row["rewritten_share"] = share(counts["rewritten"], len(programs))
    return row


def share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


# ---------------------------------------------------------------- the fix pass


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def compiles(source: str, name: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like are not failures
        try:
            compile(source, name, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True


def notebook_compiles(data: bytes, name: str) -> bool:
    """Every code cell compiles, once IPython's `%magic` and `!shell` lines are made `pass`."""
    try:
        cells = json.loads(data).get("cells", [])
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return False
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        masked = re.sub(r"(?m)^(\s*)[%!].*$", r"\1pass", source)
        if not compiles(masked, name):
            return False
    return True


def file_compiles(path: Path, data: bytes) -> bool:
    if path.suffix == ".ipynb":
        return notebook_compiles(data, str(path))
    try:
        return compiles(data.decode("utf-8"), str(path))
    except UnicodeDecodeError:
        return False


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in corpus_files(root)}


def fix_pass(tool: list[str], corpus: Path, unsafe: bool) -> dict[str, Any]:
    original = snapshot(corpus)
    with tempfile.TemporaryDirectory(prefix="tf1-corpus-fix-") as tmp:
        copy = Path(tmp) / "corpus"
        shutil.copytree(corpus, copy)
        rc1, trouble1, seconds1 = fix(tool, copy, unsafe)
        fixed = snapshot(copy)
        after, _ = check(tool, copy)
        rc2, trouble2, seconds2 = fix(tool, copy, unsafe)
        again = snapshot(copy)
    changed = sorted(name for name in fixed if fixed[name] != original.get(name))
    broken = {kind: sorted(name for name in changed if name.endswith(kind)
                           and file_compiles(Path(name), original[name])
                           and not file_compiles(Path(name), fixed[name]))
              for kind in SUFFIXES}
    return {
        "fix_exit": rc1, "fix_stderr": trouble1, "fix_seconds": round(seconds1, 1),
        "files_changed": len(changed),
        "py_fail_compile_after_fix": broken[".py"],
        "ipynb_fail_compile_after_fix": broken[".ipynb"],
        "second_fix_exit": rc2, "second_fix_stderr": trouble2,
        "second_fix_seconds": round(seconds2, 1),
        "second_fix_changed": sorted(n for n in again if again[n] != fixed.get(n)),
        "findings_after": after,
    }


# ---------------------------------------------------------------- figures and report


def figures(tool: list[str], corpus: Path, unsafe: bool) -> dict[str, Any]:
    before, check_seconds = check(tool, corpus)
    files = by_file(before)
    programs = sorted((p for name, found in files.items() if (p := classify(name, found))),
                      key=lambda p: p.filename)
    add_module_codes(corpus, programs, files)
    passed = fix_pass(tool, corpus, unsafe)
    after = passed.pop("findings_after")
    idioms_before = sum(1 for f in before if f["code"] not in NOT_IDIOMS)
    idioms_after = sum(1 for f in after if f["code"] not in NOT_IDIOMS)
    # A program the check calls rewritten may still be left alone by the fix (a notebook whose
    # rewrite would move code across cells, say): the TFM150 left after the fix shows it.
    applied = {"rewritten", "unsafe"} if unsafe else {"rewritten"}
    flagged = {f["filename"] for f in after if f["code"] == "TFM150"}
    kept = [p.filename for p in programs if p.klass in applied and p.filename in flagged]
    parse_errors = {f["filename"] for f in before if f["code"] == "TFM000"}
    return {
        "corpus": str(corpus), "unsafe_fixes": unsafe,
        "files": len(corpus_files(corpus)), "files_with_findings": len(files),
        "check_seconds": round(check_seconds, 1),
        "findings": len(before),
        "parse_errors": sorted(parse_errors),
        "session_programs": len(programs),
        "classes": dict(Counter(p.klass for p in programs)),
        "families": family_rows(programs),
        "refusal_reasons": histogram(p for p in programs if p.klass == "refused"),
        "refusal_reasons_family_free": histogram(
            p for p in programs if p.klass == "refused" and not p.every_code & EVERY_FAMILY),
        "unsafe_reasons": histogram(p for p in programs if p.klass == "unsafe"),
        "programs": {klass: [p.filename for p in programs if p.klass == klass]
                     for klass in ("rewritten", "unsafe")},
        **passed,
        "rewritable_not_rewritten_by_fix": kept,
        # The fix must leave code tf-migrate itself can read (notebooks included).
        "parse_errors_after_fix": sorted(
            {f["filename"] for f in after if f["code"] == "TFM000"} - parse_errors
        ),
        "tf1_findings_before": idioms_before, "tf1_findings_after": idioms_after,
        "tf1_idioms_removed_pct": share(idioms_before - idioms_after, idioms_before),
        "findings_after_by_code": dict(Counter(f["code"] for f in after).most_common()),
    }


def table(rows: dict[str, dict[str, Any]]) -> list[str]:
    head = f"{'':46}{'programs':>9}" + "".join(f"{c:>14}" for c in CLASSES) + f"{'rewritten':>11}"
    lines = [head]
    for name, row in rows.items():
        cells = "".join(f"{row.get(c, 0):>14}" for c in CLASSES)
        lines.append(f"{name:46}{row['programs']:>9}{cells}{row['rewritten_share']:>10}%")
    return lines


def reason_lines(title: str, counts: list[tuple[str, int]]) -> list[str]:
    lines = [f"{title} (programs per reason, most frequent first):"]
    lines += [f"  {count:4d}  {reason}" for reason, count in counts] or ["  (none)"]
    return lines


def listing(title: str, names: list[str]) -> list[str]:
    return [f"{title}: {len(names)}", *(f"  {name}" for name in names)]


def report(data: dict[str, Any]) -> str:
    classes = data["classes"]
    lines = [
        f"Corpus {data['corpus']}: {data['files']} files (.py/.ipynb), "
        f"{data['files_with_findings']} with findings, {data['findings']} findings "
        f"(check: {data['check_seconds']} s)",
        *listing("Files tf-migrate cannot parse (TFM000)", data["parse_errors"]),
        "",
        f"Session programs (files with TFM150, TFM102 or TFM104): {data['session_programs']}",
        *(f"  {klass:14}{classes.get(klass, 0):5d}" for klass in (*CLASSES, "other TFM150")
          if klass in CLASSES or klass in classes),
        "",
        *table(data["families"]),
        "  (rewritten: share of the row's programs a plain `tf-migrate fix` rewrites)",
        "",
        *reason_lines("Refusal reasons", data["refusal_reasons"]),
        "",
        *reason_lines("Refusal reasons of the programs with none of those families",
                      data["refusal_reasons_family_free"]),
        "",
        *reason_lines("Unsafe reasons", data["unsafe_reasons"]),
        "",
        *listing("Rewritten programs", data["programs"]["rewritten"]),
        *listing("Unsafe programs", data["programs"]["unsafe"]),
        "",
        f"Fix pass on a copy (`tf-migrate fix`{' --unsafe-fixes' if data['unsafe_fixes'] else ''}"
        f"): {data['files_changed']} files changed, exit {data['fix_exit']}, "
        f"{data['fix_seconds']} s",
        *([f"  stderr: {data['fix_stderr']}"] if data["fix_stderr"] else []),
        *listing(".py files that compiled before and fail to compile after the fix",
                 data["py_fail_compile_after_fix"]),
        *listing("notebooks whose code cells compiled before and fail after the fix",
                 data["ipynb_fail_compile_after_fix"]),
        *listing(
            "Files tf-migrate parsed before and cannot parse (TFM000) after the fix",
            data["parse_errors_after_fix"],
        ),
        *listing(
            "Programs classified rewritten (or unsafe, with --unsafe-fixes) that keep their "
            "TFM150 after the fix",
            data["rewritable_not_rewritten_by_fix"],
        ),
        f"Second fix: exit {data['second_fix_exit']}, {data['second_fix_seconds']} s",
        *([f"  stderr: {data['second_fix_stderr']}"] if data["second_fix_stderr"] else []),
        *listing("Files a second fix changes", data["second_fix_changed"]),
        f"TF1 findings (all but TFM000/TFM001): {data['tf1_findings_before']} before, "
        f"{data['tf1_findings_after']} after the fix",
        f"TF1 idioms removed: {data['tf1_idioms_removed_pct']}%",
        "Findings left after the fix, by code: "
        + ", ".join(f"{code} {n}" for code, n in data["findings_after_by_code"].items()),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder made by bench/fetch_corpus.py")
    parser.add_argument("--tf-migrate", default="tf-migrate",
                        help="the command to run (split like a shell would)")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="apply unsafe fixes too in the fix pass")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        parser.error(f"{args.corpus} is not a folder")
    tool = shlex.split(args.tf_migrate)
    if tool and os.sep in tool[0]:
        # tf-migrate runs in the corpus folder: a relative path to it must not break.
        tool[0] = str(Path(tool[0]).resolve())
    data = figures(tool, corpus, args.unsafe_fixes)
    print(report(data))
    if args.json:
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
