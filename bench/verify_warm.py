"""Warm runtimes against one fresh interpreter per run: 20 fixture verifications each way.

    python bench/verify_warm.py [--runs 20] [--jobs 1] [FIXTURE_OR_FOLDER ...]

Default fixtures: the 20 folders under fixtures/, each verified once (``--runs`` cycles through
the list). "warm" starts one fork server per runtime, which imports TensorFlow once, and forks a
child per program; its time includes starting the servers. "cold" starts a fresh interpreter
(and imports TensorFlow) for every program. Both verify the same fixtures, in the same order, with
the same number of jobs, through the same harness. Prints both times and the ratio; asserts
nothing (target: warm at least 5x faster).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tf_migrate.verify import batch, fixture, harness  # noqa: E402
from tf_migrate.verify.runtimes import select  # noqa: E402


def timed(
    fixtures: list[fixture.Fixture], options: harness.Options, jobs: int, warm: bool
) -> float:
    started = time.monotonic()
    with batch.warm_options(options, warm=warm) as chosen:
        results = batch.verify_all(fixtures, chosen, jobs)
        notes = batch.warm_notes(chosen)
    seconds = time.monotonic() - started
    statuses = sorted({result.status for result in results})
    label = "warm" if warm else "cold"
    print(f"{label}: {seconds:7.1f} s  ({len(results)} verify runs, statuses {statuses})")
    if warm:
        for side, note in notes.items():
            print(f"      {side}: {note}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "fixtures"])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    folders = fixture.discover(args.paths)
    loaded = [fixture.load(folder) for folder in folders]
    chosen = list(itertools.islice(itertools.cycle(loaded), args.runs))
    options = harness.Options(
        before=select("before", None, ROOT), after=select("after", None, ROOT)
    )
    print(f"before: {options.before.label}")
    print(f"after:  {options.after.label}")
    print(f"{len(chosen)} verify runs of {len(loaded)} fixture(s), --jobs {args.jobs}")
    warm = timed(chosen, options, args.jobs, warm=True)
    cold = timed(chosen, options, args.jobs, warm=False)
    print(f"warm is {cold / warm:.1f}x faster than one fresh interpreter per run")


if __name__ == "__main__":
    main()
