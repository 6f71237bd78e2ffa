"""Repository scale: files without TensorFlow, time and memory against file size, the budget.

    python bench/scale.py [--copies 300] [--check-sizes 1250,2500,5000,10000]
                          [--fix-sizes 1250,2500,5000] [--plain-lines 60000]

1. A tree of `--copies` copies of a 359-line module without TensorFlow, against the same files
   with `import tensorflow as tf` on top: `check --no-cache`, wall and CPU (target: >= 10x).
2. One TF1 file of each size (lines) in `--check-sizes` checked and in `--fix-sizes` fixed
   (`fix --diff`), on one core: wall time and peak memory per 1,000 lines, which stay flat when
   both grow linearly.
3. A module without TensorFlow of `--plain-lines` lines (target: seconds, under 300 MB).
4. Two big TF1 files checked with `-j 2` under a memory limit that cannot hold both: the peak
   memory of all processes together stays under the limit.

Each command runs in an empty folder with the snapshot of this checkout that run_bench.py uses;
nothing is asserted (bench/README.md).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import synthetic
from run_bench import ROOT, Run, measure


def _tf_module(lines: int) -> str:
    parts: list[str] = []
    seed = 0
    while sum(part.count("\n") + 1 for part in parts) < lines:
        parts.append(synthetic(seed))
        seed += 1
    return "\n".join(parts) + "\n"


def _plain(text: str) -> str:
    """The same module without TensorFlow: the same amount of code for the parser."""
    return text.replace("tensorflow", "numerics").replace("tf.", "nx.")


def _line(run: Run, extra: str = "") -> str:
    return (
        f"{run.label:<44} wall {run.wall:7.2f} s  cpu {run.cpu:7.2f} s  "
        f"max RSS {run.max_rss_mb:5.0f} MB  sum PSS {run.sum_pss_mb:5.0f} MB{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--copies", type=int, default=300)
    parser.add_argument("--check-sizes", default="1250,2500,5000,10000")
    parser.add_argument("--fix-sizes", default="1250,2500,5000")
    parser.add_argument("--plain-lines", type=int, default=60000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        snapshot = base / "src"
        shutil.copytree(ROOT / "tf_migrate", snapshot / "tf_migrate",
                        ignore=shutil.ignore_patterns("__pycache__"))
        compileall.compile_dir(snapshot, quiet=1)
        env = {**os.environ, "PYTHONPATH": str(snapshot), "XDG_CACHE_HOME": str(base / "xdg")}
        tfm = [sys.executable, "-c", "from tf_migrate.cli import entry_point; entry_point()"]
        work = base / "work"
        work.mkdir()

        def tfm_run(label: str, *args: str) -> Run:
            return measure(label, [*tfm, *args, "--no-progress", "--no-cache"], work, env)

        module = synthetic(0)
        plain_tree, tf_tree = base / "plain", base / "with_tf"
        for folder, text in ((plain_tree, _plain(module)), (tf_tree, _plain(module))):
            folder.mkdir()
            header = "import tensorflow as tf\n" if folder is tf_tree else ""
            for index in range(args.copies):
                (folder / f"m{index:03d}.py").write_text(header + text, "utf-8")
        lines = _plain(module).count("\n") + 1
        print(f"1. {args.copies} copies of a {lines}-line module; {os.cpu_count()} cores")
        plain = tfm_run("check, no TensorFlow", "check", str(plain_tree), "--exit-zero")
        with_tf = tfm_run("check, the same with `import tensorflow`", "check", str(tf_tree),
                          "--exit-zero")
        print(_line(plain))
        print(_line(with_tf))
        print(f"   without TensorFlow: {with_tf.wall / plain.wall:5.1f}x cheaper in wall time, "
              f"{with_tf.cpu / plain.cpu:5.1f}x in CPU  (target >= 10x)")

        print("\n2. one TF1 file against its size, on one core (-j 1)")
        for mode, sizes in (("check", args.check_sizes), ("fix --diff", args.fix_sizes)):
            for size in (int(size) for size in sizes.split(",") if size):
                path = base / f"tf_{size}.py"
                text = _tf_module(size)
                path.write_text(text, "utf-8")
                actual = text.count("\n")
                run = tfm_run(f"{mode} {actual} lines", *mode.split(), str(path), "-j", "1",
                              "--memory-limit", "64GiB")
                per = f"  per 1,000 lines: {run.wall * 1000 / actual:5.2f} s, " \
                      f"{run.max_rss_mb * 1000 / actual:5.0f} MB"
                print(_line(run, per))

        print(f"\n3. a module of {args.plain_lines} lines without TensorFlow")
        big_plain = base / "plain_big.py"
        big_plain.write_text(_plain(_tf_module(args.plain_lines)), "utf-8")
        print(_line(tfm_run("check", "check", str(big_plain))),
              " (target: seconds, under 300 MB)")

        print("\n4. two TF1 files of 5,000 lines with -j 2 under a limit that cannot hold both")
        pair = base / "pair"
        pair.mkdir()
        for name in ("a.py", "b.py"):
            (pair / name).write_text(_tf_module(5000), "utf-8")
        for limit in ("64GiB", "600MiB"):
            run = tfm_run(f"check -j 2 --memory-limit {limit}", "check", str(pair), "-j", "2",
                          "--exit-zero", "--memory-limit", limit)
            print(_line(run))


if __name__ == "__main__":
    main()
