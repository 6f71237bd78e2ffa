"""What libcst alone costs on the benchmark corpus, next to the budgets the speed targets leave.

    python bench/libcst_floor.py [--count 200] [--rounds 3] \
        [--tf-upgrade ~/.cache/tf-migrate/runtimes/tf2/bin/tf_upgrade_v2]

tf-migrate parses with libcst, and every check pays for libcst's import, its parse of each file
and one code generation of each file (the pass that gives findings their line and column). This
measures those three on the corpus of run_bench.py, with no rule at all, and prints them against
the budgets that tf_upgrade_v2's run on the same files sets for the issue's targets: whole
process 5x faster, 2x its files per CPU-second, one file under 0.5 s. Asserts nothing.
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import build
from run_bench import TF_UPGRADE, measure


def _cpu(work: Callable[[], object], rounds: int) -> float:
    """The least CPU time of `rounds` runs of `work` (a shared machine only ever adds time)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def _wall(command: list[str], rounds: int, cwd: Path) -> float:
    walls = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=cwd)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tf-upgrade", default=str(TF_UPGRADE))
    args = parser.parse_args()

    import libcst as cst

    with tempfile.TemporaryDirectory() as tmp:
        files = build(Path(tmp) / "corpus", args.count)
        sources = [path.read_text("utf-8") for path in files]
        work = Path(tmp) / "work"
        work.mkdir()
        upgrade = measure(
            "tf_upgrade_v2",
            [args.tf_upgrade, "--intree", str(Path(tmp) / "corpus"), "--outtree",
             str(Path(tmp) / "out"), "--reportfile", str(Path(tmp) / "report.txt")],
            work,
        )
        start_up = _wall([sys.executable, "-c", "pass"], 5, work)
        libcst_import = _wall([sys.executable, "-c", "import libcst"], 5, work)

        modules: list[cst.Module] = []

        def parse_all() -> None:
            modules.clear()
            modules.extend(cst.parse_module(source) for source in sources)

        parse = _cpu(parse_all, args.rounds)
        codegen = _cpu(lambda: [module.code for module in modules], args.rounds)
        stdlib = _cpu(lambda: [ast.parse(source) for source in sources], args.rounds)

    cores = os.cpu_count() or 1
    wall_budget = upgrade.wall / 5
    cpu_budget = upgrade.cpu / 2
    floor_cpu = parse + codegen
    # Spread perfectly over every core, after one interpreter has started and imported libcst.
    floor_wall = libcst_import + floor_cpu / cores
    print(f"corpus: {len(files)} files; {cores} cores")
    print(f"tf_upgrade_v2: wall {upgrade.wall:.2f} s, cpu {upgrade.cpu:.2f} s")
    print(f"  budget, whole process 5x faster:   wall <= {wall_budget:.2f} s")
    print(f"  budget, 2x its files/s per core:   cpu  <= {cpu_budget:.2f} s")
    print("  budget, one file:                  wall <  0.50 s")
    print(f"python start-up (python -c pass):    wall {start_up:.2f} s")
    print(f"python -c 'import libcst':           wall {libcst_import:.2f} s")
    print(f"libcst parse_module, every file:     cpu  {parse:.2f} s")
    print(f"libcst code generation, every file:  cpu  {codegen:.2f} s")
    print(f"(stdlib ast.parse, every file:       cpu  {stdlib:.2f} s)")
    print()
    print(
        f"libcst alone, no rule: cpu {floor_cpu:.2f} s = {100 * floor_cpu / cpu_budget:.0f}% of "
        f"the per-core budget; wall >= {floor_wall:.2f} s = "
        f"{100 * floor_wall / wall_budget:.0f}% of the whole-process budget; "
        f"its import alone is {100 * libcst_import / 0.5:.0f}% of the one-file budget"
    )


if __name__ == "__main__":
    main()
