"""tf-migrate vs tf_upgrade_v2 on the same files: wall time, files/s per core, peak memory.

    python bench/run_bench.py [--count 200] [--repeat 3] [--tf-migrate "tf-migrate"] \
        [--tf-upgrade ~/.cache/tf-migrate/runtimes/tf2/bin/tf_upgrade_v2]

Prints measurements and ratios; asserts nothing (targets: see bench/README.md).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import build

ROOT = Path(__file__).resolve().parent.parent
TF_UPGRADE = Path.home() / ".cache/tf-migrate/runtimes/tf2/bin/tf_upgrade_v2"


@dataclass
class Run:
    label: str
    wall: float
    cpu: float
    max_rss_mb: float
    sum_rss_mb: float
    sum_pss_mb: float
    returncode: int


def _children() -> dict[int, int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return parents


def _tree_memory(root: int, include_root: bool = True) -> tuple[int, int]:
    """Summed RSS and PSS (KiB) of every live process in the tree under `root`.

    RSS counts a page shared by forked processes once in each of them; PSS divides it among
    them, so the sum of PSS is the memory the tree really holds."""
    parents = _children()
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    if not include_root:
        tree.discard(root)
    rss = pss = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


# Runs the measured command as its only child, so RUSAGE_CHILDREN describes that command alone:
# ru_maxrss is the largest RSS any process of its tree reached (KiB), plus its CPU seconds. The
# wall time is taken here too, around the command: the wrapper's own start-up is not the
# command's (it is a tenth of a second, a quarter of a cached re-check).
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.call(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([rc, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, wall]))
"""


def measure(label: str, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    wrapper = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, json.dumps(command)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )
    peak_rss = peak_pss = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak_rss, peak_pss
        while not done.is_set():
            rss, pss = _tree_memory(wrapper.pid, include_root=False)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            done.wait(0.02)

    poller = threading.Thread(target=poll)
    poller.start()
    out, _ = wrapper.communicate()
    done.set()
    poller.join()
    returncode, max_rss, cpu, wall = json.loads(out.strip().splitlines()[-1])
    return Run(label, wall, cpu, max_rss / 1024, peak_rss / 1024, peak_pss / 1024, returncode)


COLD = "tf-migrate check (cold cache)"
WARM = "tf-migrate check (warm cache)"
ONE = "tf-migrate check one_file.py"


def _median(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run.wall)[len(runs) // 2]


def show(run: Run, files: int) -> None:
    per_core = files / run.cpu if run.cpu else float("inf")
    print(
        f"{run.label:<34} wall {run.wall:7.2f} s  cpu {run.cpu:7.2f} s  "
        f"{files / run.wall:7.1f} files/s  {per_core:7.1f} files/s/core  "
        f"max RSS {run.max_rss_mb:4.0f} MB  sum RSS {run.sum_rss_mb:4.0f} MB  "
        f"sum PSS {run.sum_pss_mb:4.0f} MB  rc {run.returncode}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument(
        "--tf-migrate",
        default=None,
        help="the command to run (default: a snapshot of this checkout's tf_migrate, so that edits "
        "made while the benchmark runs neither change the code measured nor invalidate its cache)",
    )
    parser.add_argument("--tf-upgrade", default=str(TF_UPGRADE))
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of all runs; each line shows the run of median wall time (a shared machine "
        "is noisy)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Its own user cache folder, so that the first run starts cold.
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "user-cache")}
        if args.tf_migrate is None:
            snapshot = Path(tmp) / "src"
            shutil.copytree(
                ROOT / "tf_migrate",
                snapshot / "tf_migrate",
                ignore=shutil.ignore_patterns("__pycache__"),
            )
            # Byte-compiled, as `pip install` leaves an installed package.
            compileall.compile_dir(snapshot, quiet=1)
            env["PYTHONPATH"] = str(snapshot)
            tfm = [sys.executable, "-c", "from tf_migrate.cli import entry_point; entry_point()"]
        else:
            tfm = shlex.split(args.tf_migrate)
        corpus = Path(tmp) / "corpus"
        files = build(corpus, args.count)
        lines = sum(len(f.read_text("utf-8").splitlines()) for f in files)
        print(f"corpus: {len(files)} files, {lines} lines; {os.cpu_count()} cores")
        cache = Path(tmp) / "cache"
        # Every command runs in an empty folder: `python -c` puts the working folder first on
        # sys.path, so in the repository's root it would import the checkout, not the snapshot.
        work = Path(tmp) / "work"
        work.mkdir()
        upgrade_cmd = [
            args.tf_upgrade,
            "--intree",
            str(corpus),
            "--outtree",
            str(Path(tmp) / "out"),
            "--reportfile",
            str(Path(tmp) / "report.txt"),
        ]
        check_cmd = [*tfm, "check", str(corpus), "--no-progress"]
        rounds: list[dict[str, Run]] = []
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(Path(tmp) / "out", ignore_errors=True)
            runs = [
                measure("tf_upgrade_v2 --intree", upgrade_cmd, work),
                measure("tf-migrate check --no-cache", [*check_cmd, "--no-cache"], work, env),
                measure(COLD, [*check_cmd, "--cache-dir", str(cache)], work, env),
                measure(WARM, [*check_cmd, "--cache-dir", str(cache)], work, env),
                measure(ONE, [*tfm, "check", str(files[-1]), "--no-cache"], work, env),
            ]
            rounds.append({run.label: run for run in runs})
        shutil.rmtree(cache, ignore_errors=True)
        if args.repeat > 1:
            print(f"each line: the run of median wall time among {args.repeat}")
        median = {label: _median([r[label] for r in rounds]) for label in rounds[0]}
        for label, run in median.items():
            show(run, 1 if label == ONE else len(files))
        upgrade, nocache = median["tf_upgrade_v2 --intree"], median["tf-migrate check --no-cache"]
        cold, warm, one = median[COLD], median[WARM], median[ONE]
        print()
        speedup = upgrade.wall / nocache.wall
        print(f"whole process, tf_upgrade_v2 / tf-migrate check: {speedup:5.2f}x  (target >= 5x)")
        print(
            f"per-core throughput, tf-migrate / tf_upgrade_v2: "
            f"{upgrade.cpu / nocache.cpu:5.2f}x  (target >= 2x)"
        )
        print(
            f"peak RSS of any tf-migrate process: {nocache.max_rss_mb:.0f} MB, "
            f"sum over its processes {nocache.sum_rss_mb:.0f} MB  (target <= 150 MB); "
            f"sum of PSS {nocache.sum_pss_mb:.0f} MB"
        )
        print(f"warm vs cold cache re-check: {cold.wall / warm.wall:5.1f}x faster  (target >= 20x)")
        print(f"check one_file.py: {one.wall:.2f} s wall  (target < 0.5 s)")


if __name__ == "__main__":
    main()
