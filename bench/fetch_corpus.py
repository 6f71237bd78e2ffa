"""Materialise the public TF1 corpus listed in bench/corpus/sources.toml.

    python bench/fetch_corpus.py DEST [--sources bench/corpus/sources.toml] [--mirror /work/.mirror]

Each source's .py and .ipynb files (limited by its `paths`) at its pinned commit are written to
DEST/<owner>__<name>/, keeping their relative paths so that multi-file projects keep their imports.
The files come from a local bare mirror when there is one, else from a bare `git clone` of
https://github.com/<repo>.git. Nothing of the repositories is ever committed to this project: only
the list of sources is. Exit status 1 if any source could not be materialised.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
SUFFIXES = (".py", ".ipynb")
GLOB_CHARS = re.compile(r"[*?\[]")
CLONE_TIMEOUT = 900  # seconds; the sources are small, a stalled network should not hang us
# git file modes that are not plain files: symlinks (which could point outside DEST) and
# submodules (whose commit is not in this repository).
SKIPPED_MODES = {"120000", "160000"}


@dataclass(frozen=True)
class Source:
    repo: str  # owner/name
    commit: str
    paths: tuple[str, ...]  # empty: the whole repository
    exclude: tuple[str, ...]  # left out even when `paths` takes them
    why: str

    @property
    def folder(self) -> str:
        return self.repo.replace("/", "__")


@dataclass(frozen=True)
class Blob:
    sha: str
    path: str


def load_sources(path: Path) -> list[Source]:
    with path.open("rb") as handle:
        tables = tomllib.load(handle).get("source", [])
    sources = []
    for table in tables:
        repo, commit = str(table["repo"]), str(table["commit"])
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo) or not re.fullmatch(r"[0-9a-f]{40}", commit):
            raise SystemExit(f"{path}: bad source {repo!r} @ {commit!r}")
        paths = tuple(str(p) for p in table.get("paths", []))
        exclude = tuple(str(p) for p in table.get("exclude", []))
        sources.append(Source(repo, commit, paths, exclude, str(table.get("why", ""))))
    return sources


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob over a whole relative path: `*`, `?` and `[...]` stay within one folder, `**` spans
    folders (fnmatch's `*` would cross `/`, making `dir/*.py` take every subfolder too)."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            out.append(pattern[i : end + 1].replace("[!", "[^", 1))
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def selected(path: str, source: Source) -> bool:
    if not path.endswith(SUFFIXES) or matches(path, source.exclude):
        return False
    return not source.paths or matches(path, source.paths)


def matches(path: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if GLOB_CHARS.search(pattern):
            if glob_regex(pattern).fullmatch(path):
                return True
        elif path == pattern.rstrip("/") or path.startswith(pattern.rstrip("/") + "/"):
            return True
    return False


def git(git_dir: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], input=data, capture_output=True, check=False
    )


def has_commit(git_dir: Path, commit: str) -> bool:
    return git(git_dir, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0


def mirror_git_dir(mirror: Path, source: Source) -> Path | None:
    """The git dir `fetch` left under MIRROR/<owner>+<name>/: `repo` itself when the snapshot
    was bare, `repo/.git` when it was a clone with a work tree."""
    base = mirror / source.repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate if has_commit(candidate, source.commit) else None
    return None


def clone_url(repo: str) -> str:
    return f"https://github.com/{repo}.git"


@contextmanager
def cloned_git_dir(source: Source) -> Iterator[tuple[Path | None, str]]:
    """A bare clone of the source in a temporary folder holding its commit (or None), and why
    not when there is none."""
    with tempfile.TemporaryDirectory(prefix="tf1-corpus-") as tmp:
        git_dir = Path(tmp) / "repo.git"
        # No prompt for credentials: a missing or private repository should fail, not wait.
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
        commands = [["git", "clone", "--bare", "--quiet", clone_url(source.repo), str(git_dir)],
                    # The pinned commit may be off every branch now; GitHub serves it by its id.
                    ["git", f"--git-dir={git_dir}", "fetch", "--quiet", "origin", source.commit]]
        for command in commands:
            if git_dir.exists() and has_commit(git_dir, source.commit):
                break
            try:
                run = subprocess.run(command, env=env, capture_output=True, timeout=CLONE_TIMEOUT,
                                     check=False)
            except (subprocess.SubprocessError, OSError) as error:
                yield None, str(error)
                return
            if run.returncode != 0:
                lines = run.stderr.decode(errors="replace").strip().splitlines()
                yield None, lines[-1] if lines else f"git exited with {run.returncode}"
                return
        found = has_commit(git_dir, source.commit)
        yield (git_dir, "") if found else (None, "the clone does not hold the commit")


def list_blobs(git_dir: Path, source: Source) -> list[Blob]:
    listing = git(git_dir, "ls-tree", "-r", "-z", source.commit)
    blobs = []
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode not in SKIPPED_MODES and selected(path, source):
            blobs.append(Blob(sha, path))
    return blobs


def read_blobs(git_dir: Path, blobs: list[Blob]) -> dict[str, bytes | None]:
    """The content of each blob, None for a blob the git dir lacks. One `cat-file --batch`
    instead of `git archive`: mirror snapshots leave out files of 4 MiB and more, and
    `git archive` would give up on the first missing one instead of skipping it."""
    request = "".join(f"{blob.sha}\n" for blob in blobs).encode()
    out = git(git_dir, "cat-file", "--batch", data=request).stdout
    contents: dict[str, bytes | None] = {}
    position = 0
    for blob in blobs:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        position = header_end + 1
        if header[-1] == b"missing":
            contents[blob.sha] = None
            continue
        size = int(header[2])
        contents[blob.sha] = out[position : position + size]
        position += size + 1  # the content is followed by a newline
    return contents


def write_source(git_dir: Path, source: Source, dest: Path) -> tuple[int, list[str]]:
    """Write the source's files into DEST/<folder> (replacing it); the count written and the
    paths whose content the git dir lacks."""
    blobs = list_blobs(git_dir, source)
    contents = read_blobs(git_dir, blobs)
    # Built beside the final folder and swapped in at the end, so an interrupted run never
    # leaves a half-written source that looks complete.
    target = dest / source.folder
    staging = dest / f".{source.folder}.part"
    shutil.rmtree(staging, ignore_errors=True)
    missing = []
    for blob in blobs:
        data = contents[blob.sha]
        if data is None:
            missing.append(blob.path)
            continue
        file = staging.joinpath(*PurePosixPath(blob.path).parts)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
    staging.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return len(blobs) - len(missing), missing


def materialise(source: Source, dest: Path, mirror: Path) -> int | None:
    """The number of files written, None when the source could not be had whole."""
    git_dir = mirror_git_dir(mirror, source)
    if git_dir is not None:
        return report(source, "mirror", *write_source(git_dir, source, dest))
    with cloned_git_dir(source) as (cloned, why):
        if cloned is not None:
            return report(source, "clone", *write_source(cloned, source, dest))
    print(f"{source.repo:52} MISSING: no mirror under {mirror} holds {source.commit[:12]}, "
          f"and cloning {clone_url(source.repo)} failed: {why}")
    return None


def report(source: Source, origin: str, count: int, missing: list[str]) -> int | None:
    print(f"{source.repo:52} {count:5d} files  [{origin} {source.commit[:12]}]")
    if not missing:
        return count
    # A corpus short of some files would give other figures than everyone else's: say so,
    # and fail, rather than measure a different corpus silently. (Mirror snapshots lack files
    # of 4 MiB and more; list such files under the source's `exclude`.)
    print(f"{'':52} INCOMPLETE: {len(missing)} file(s) absent from the {origin}: "
          + ", ".join(missing))
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="folder to materialise the corpus into")
    parser.add_argument("--sources", type=Path, default=HERE / "corpus" / "sources.toml")
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"),
                        help="where local snapshots live, as <owner>+<name>/repo[/.git]")
    args = parser.parse_args(argv)
    sources = load_sources(args.sources)
    args.dest.mkdir(parents=True, exist_ok=True)
    counts = [materialise(source, args.dest, args.mirror) for source in sources]
    found = [count for count in counts if count is not None]
    print(f"{len(found)}/{len(sources)} sources, {sum(found)} files in {args.dest}")
    return 0 if len(found) == len(sources) else 1


if __name__ == "__main__":
    sys.exit(main())
