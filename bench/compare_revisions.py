r"""Two revisions of tf-migrate, side by side, on the benchmark corpus: alternating runs.

    python bench/compare_revisions.py BASE [NEW] [--runs 5] [--count 200] \
        [--case cold|jobs|warm|one]

BASE and NEW are git revisions; NEW defaults to the working tree. Each is copied and
byte-compiled (as `pip install` leaves a package), then the runs alternate (BASE, NEW, then NEW,
BASE, ...) so that both see the same machine: on a shared machine speed drifts within minutes,
and only runs made side by side compare.

Cases: `cold` (check --no-cache -j 1: the CPU one process spends), `jobs` (check --no-cache with
every core), `warm` (a re-check served from a cache filled first), `one` (check of the corpus's
last file). Prints the least and the median wall and CPU time of each side and their ratios.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import build

ROOT = Path(__file__).resolve().parent.parent
CASES = ("cold", "jobs", "warm", "one")


def snapshot(revision: str | None, target: Path) -> Path:
    """`tf_migrate` at `revision` (None: the working tree), byte-compiled, under `target`."""
    target.mkdir(parents=True)
    if revision is None:
        shutil.copytree(
            ROOT / "tf_migrate",
            target / "tf_migrate",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    else:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "tf_migrate"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    compileall.compile_dir(target, quiet=1)
    return target


def measure(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command` (a child of this process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("base")
    parser.add_argument("new", nargs="?", default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--case", choices=CASES, default="cold")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = build(Path(tmp) / "corpus", args.count)
        work = Path(tmp) / "work"  # empty: `python -c` puts it first on sys.path
        work.mkdir()
        sides = {args.base: None, args.new or "working tree": None}
        commands = {}
        for index, (label, revision) in enumerate(zip(sides, (args.base, args.new), strict=True)):
            code = snapshot(revision, Path(tmp) / f"side{index}")
            env = {
                **os.environ,
                "PYTHONPATH": str(code),
                "XDG_CACHE_HOME": str(Path(tmp) / f"user-cache{index}"),
            }
            # Through the installed command's entry point where the revision has one.
            entry = "import tf_migrate.cli as c; getattr(c, 'entry_point', c.main)()"
            target = str(files[-1]) if args.case == "one" else str(Path(tmp) / "corpus")
            options = {
                "cold": ["--no-cache", "-j", "1"],
                "jobs": ["--no-cache"],
                "warm": ["--cache-dir", str(Path(tmp) / f"cache{index}")],
                "one": ["--no-cache"],
            }[args.case]
            command = [sys.executable, "-c", entry, "check", target, "--no-progress", *options]
            commands[label] = (command, env)
            measure(command, env, work)  # fills the cache (warm)
        times: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
        for round_number in range(args.runs):
            # Each side goes first every other round: a machine warmed by one run favours the next.
            order = list(commands.items())
            for label, (command, env) in order if round_number % 2 == 0 else order[::-1]:
                times[label].append(measure(command, env, work))
    print(f"case {args.case}, {len(files)} files, {args.runs} alternating runs each")
    summary = {}
    for label, runs in times.items():
        walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
        summary[label] = (statistics.median(walls), statistics.median(cpus))
        print(
            f"{label:>16}: wall min {min(walls):7.3f} s  median {statistics.median(walls):7.3f} s"
            f"  | cpu min {min(cpus):7.3f} s  median {statistics.median(cpus):7.3f} s"
        )
    (base_wall, base_cpu), (new_wall, new_cpu) = summary.values()
    print(f"new / base, medians: wall {new_wall / base_wall:.2f}  cpu {new_cpu / base_cpu:.2f}")


if __name__ == "__main__":
    main()
