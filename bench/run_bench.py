"""tf-migrate vs tf_upgrade_v2 on the same files: wall time, files/s per core, peak memory.

    python bench/run_bench.py [--count 200] [--tf-migrate "tf-migrate"] \
        [--tf-upgrade ~/.cache/tf-migrate/runtimes/tf2/bin/tf_upgrade_v2]

Prints measurements and ratios; asserts nothing (targets: see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
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


def _tree_rss(root: int, include_root: bool = True) -> list[int]:
    """VmRSS (KiB) of every live process in the tree under `root`."""
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
    sizes = []
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]))
        except OSError:
            continue
    return sizes


# Runs the measured command as its only child, so RUSAGE_CHILDREN describes that command alone:
# ru_maxrss is the largest RSS any process of its tree reached (KiB), plus its CPU seconds.
WRAPPER = """
import json, resource, subprocess, sys
rc = subprocess.call(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([rc, usage.ru_maxrss, usage.ru_utime + usage.ru_stime]))
"""


def measure(label: str, command: list[str], env: dict[str, str] | None = None) -> Run:
    start = time.perf_counter()
    wrapper = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, json.dumps(command)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    peak_sum = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak_sum
        while not done.is_set():
            peak_sum = max(peak_sum, sum(_tree_rss(wrapper.pid, include_root=False)))
            done.wait(0.02)

    poller = threading.Thread(target=poll)
    poller.start()
    out, _ = wrapper.communicate()
    wall = time.perf_counter() - start
    done.set()
    poller.join()
    returncode, max_rss, cpu = json.loads(out.strip().splitlines()[-1])
    return Run(label, wall, cpu, max_rss / 1024, peak_sum / 1024, returncode)


def show(run: Run, files: int) -> None:
    per_core = files / run.cpu if run.cpu else float("inf")
    print(
        f"{run.label:<34} wall {run.wall:7.2f} s  cpu {run.cpu:7.2f} s  "
        f"{files / run.wall:7.1f} files/s  {per_core:7.1f} files/s/core  "
        f"max RSS {run.max_rss_mb:6.0f} MB  sum RSS {run.sum_rss_mb:6.0f} MB  rc {run.returncode}"
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = None
        if args.tf_migrate is None:
            snapshot = Path(tmp) / "src"
            shutil.copytree(ROOT / "tf_migrate", snapshot / "tf_migrate")
            env = {**os.environ, "PYTHONPATH": str(snapshot)}
            tfm = [sys.executable, "-c", "from tf_migrate.cli import main; main()"]
        else:
            tfm = shlex.split(args.tf_migrate)
        corpus = Path(tmp) / "corpus"
        files = build(corpus, args.count)
        lines = sum(len(f.read_text("utf-8").splitlines()) for f in files)
        print(f"corpus: {len(files)} files, {lines} lines; {os.cpu_count()} cores")
        cache = Path(tmp) / "cache"
        upgrade = measure(
            "tf_upgrade_v2 --intree",
            [
                args.tf_upgrade,
                "--intree",
                str(corpus),
                "--outtree",
                str(Path(tmp) / "out"),
                "--reportfile",
                str(Path(tmp) / "report.txt"),
            ],
        )
        check_cmd = [*tfm, "check", str(corpus), "--no-progress"]
        cold = measure(
            "tf-migrate check (cold cache)", [*check_cmd, "--cache-dir", str(cache)], env
        )
        warm = measure(
            "tf-migrate check (warm cache)", [*check_cmd, "--cache-dir", str(cache)], env
        )
        nocache = measure("tf-migrate check --no-cache", [*check_cmd, "--no-cache"], env)
        one = measure(
            "tf-migrate check one_file.py", [*tfm, "check", str(files[-1]), "--no-cache"], env
        )
        for run in (upgrade, nocache, cold, warm):
            show(run, len(files))
        show(one, 1)
        shutil.rmtree(cache, ignore_errors=True)
        print()
        speedup = upgrade.wall / nocache.wall
        print(f"whole process, tf_upgrade_v2 / tf-migrate check: {speedup:5.2f}x  (target >= 5x)")
        print(
            f"per-core throughput, tf-migrate / tf_upgrade_v2: "
            f"{upgrade.cpu / nocache.cpu:5.2f}x  (target >= 2x)"
        )
        print(
            f"peak RSS of any tf-migrate process: {nocache.max_rss_mb:.0f} MB, "
            f"sum over its processes {nocache.sum_rss_mb:.0f} MB  (target <= 150 MB)"
        )
        print(f"warm vs cold cache re-check: {cold.wall / warm.wall:5.1f}x faster  (target >= 20x)")
        print(f"check one_file.py: {one.wall:.2f} s wall  (target < 0.5 s)")


if __name__ == "__main__":
    main()
