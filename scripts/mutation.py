#!/usr/bin/env python3
"""Mutation testing of one module of ``search/`` or ``web/`` against chosen tests.

    .venv/bin/python scripts/mutation.py compile        # or: sh scripts/mutation.sh compile
    .venv/bin/python scripts/mutation.py search/query/compile.py --max-children 4
    .venv/bin/python scripts/mutation.py compile --clean  # delete the work copy afterwards
    .venv/bin/python scripts/mutation.py web/errors.py --tests tests/unit/test_errors.py

Why mutmut: coverage says a line ran, not that a test would notice it being wrong.
mutmut (3.x) changes one operator, constant or call at a time ("mutants") and runs the
tests that reach the changed function; a mutant no test fails on ("survived") is a
behaviour nothing pins down. The kill percentage of a module is the measure asked of the
unit tier, which must stay fast for this to be cheap.

The run happens in a private copy made with ``mktemp -d`` (every tracked and every
untracked, not ignored file of the working tree, uncommitted edits included), so several
people can mutate different modules at once and nothing (``mutants/``, ``.pytest_cache``,
``.hypothesis``) is written into the checkout. By default only ``tests/unit`` runs, and this
script is not part of the regular suite. ``--tests`` names other tests, system tests
included (every mutant then builds its own session index: slower, but real): the whole
tree (``search/``, ``web/``, ``manage.py``, ``data/`` …) is in the copy mutmut runs from,
with only the chosen module mutated.

The copy is kept (its path is printed) so that surviving mutants can be inspected:

    cd <work copy> && /path/to/.venv/bin/mutmut show <mutant id>

Every survivor's diff is also written to ``<work copy>/survivors.diff``.

``--in-processes`` runs every mutant mutmut did not kill once more, whole: the mutant is
written into the module's source in the work copy (``mutmut apply``) and the chosen tests
run as a plain pytest process, so code that only runs in forked processes or in a fresh
interpreter (a build's workers) runs mutated too; mutmut itself only sees what runs in the
test's own process, and calls a function nothing there reaches "no tests". A mutant is
killed if the tests fail or pass their time limit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Counted as killed in the percentage, as mutmut's own badge does (killed + timeout).
DETECTED = ("killed", "timeout", "caught by type check", "segfault")


# The packages whose modules can be mutated; a bare name is looked for in this order.
PACKAGES = ("search", "web")


def module_path(name: str) -> Path:
    """``compile``, ``query/compile``, ``search.query.compile``, ``search/query/compile.py``
    → ``search/query/compile.py``; ``errors``, ``web/errors.py`` → ``web/errors.py``. A bare
    name is looked for in every folder of the packages, and must name one module."""
    name = name.strip().removesuffix(".py").replace(".", "/")
    if name.split("/")[0] in PACKAGES:
        candidates = [Path(name + ".py")]
    else:
        candidates = sorted({path.relative_to(REPO) for package in PACKAGES
                             for path in (REPO / package).rglob(name.split("/")[-1] + ".py")
                             if path.relative_to(REPO).as_posix().endswith(name + ".py")})
    found = [path for path in candidates if (REPO / path).is_file()]
    if len(found) == 1:
        return found[0]
    if found:
        sys.exit(f"{name} names several modules: {', '.join(p.as_posix() for p in found)}")
    sys.exit(f"no such module: {name} (in {' or '.join(PACKAGES)})")


def working_tree_files() -> list[str]:
    """Tracked and untracked-but-not-ignored files that exist in the working tree."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout
    names = sorted({n.decode() for n in out.split(b"\0") if n})
    return [n for n in names if (REPO / n).is_file()]


def make_copy(module: Path, tests: list[str]) -> Path:
    work = Path(tempfile.mkdtemp(prefix=f"kirinuki-mutation-{module.stem}-"))
    for name in working_tree_files():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)

    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    if "mutmut" in tomllib.loads(text).get("tool", {}):
        sys.exit("pyproject.toml already has [tool.mutmut]; this script writes its own")
    # mutmut 3.8 reads [tool.mutmut] from the current directory's pyproject.toml. It copies
    # source_paths (and also_copy, plus tests/ and pyproject.toml) into mutants/, mutates
    # the files only_mutate selects, and runs pytest in-process from mutants/ with
    # pytest_add_cli_args_test_selection as the tests (stats collection and clean run) and
    # pytest_add_cli_args appended to every run. Both packages are source paths (the tests
    # import the unmutated one from mutants/ too); everything else at the top (data/,
    # manage.py, …) is copied as it is, so that system tests find what they use.
    others = sorted(p.name for p in work.iterdir()
                    if p.name not in (*PACKAGES, "tests", "pyproject.toml"))
    text += f"""
[tool.mutmut]
source_paths = {json.dumps(list(PACKAGES))}
only_mutate = ["{module.as_posix()}"]
also_copy = {json.dumps(others)}
pytest_add_cli_args_test_selection = {json.dumps(tests)}
pytest_add_cli_args = ["-p", "no:cacheprovider"]
use_git_change_detection = false
"""
    pyproject.write_text(text, encoding="utf-8")
    return work


# pytest escapes an explicit id (``ids=``) holding a control or non-ASCII character again in
# every later session of the same process (``\r`` → ``\\r`` → ``\\\\r``). mutmut runs
# several sessions in one process and names the tests it saw in one of them, so such a test
# is "not found" in another; the error ends the mutant's process, which mutmut counts as a
# kill. Two collections in one process show the ids that would change.
UNSTABLE_IDS = """
import sys, pytest
class Ids:
    def pytest_collection_modifyitems(self, items):
        self.ids = [item.nodeid for item in items]
runs = []
for _ in range(2):
    ids = Ids()
    code = pytest.main(["--collect-only", "-qqq", "-p", "no:cacheprovider", *sys.argv[1:]],
                       plugins=[ids])
    if code:
        sys.exit(f"collecting the tests failed (pytest exit {code})")
    runs.append(ids.ids)
for first, second in zip(*runs, strict=True):
    if first != second:
        print(first)
"""


def unstable_test_ids(work: Path, tests: list[str]) -> list[str]:
    """Tests whose ids change between two pytest sessions in one process (see above)."""
    run = subprocess.run([sys.executable, "-c", UNSTABLE_IDS, *tests], cwd=work, text=True,
                         capture_output=True)
    if run.returncode:
        sys.exit(run.stderr or run.stdout)
    return [line for line in run.stdout.splitlines() if "::" in line]


def mutmut(work: Path, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=work,
        env=env,
        text=True,
        capture_output=capture,
    )


def mutmut_python(work: Path, code: str, *args: str) -> str:
    """Run ``code`` with mutmut importable, in the work copy; its standard output."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=work, text=True, capture_output=True, check=True
    ).stdout


# "killed in processes" counts as killed; a mutant whose tests outlive this is killed too.
DETECTED += ("killed in processes",)
PROCESS_TIMEOUT = 300


def in_processes(work: Path, module: Path, names: list[str], tests: list[str]) -> dict:
    """Each mutant of ``names`` applied to ``module`` in ``work`` in turn and the tests run
    as one plain pytest process: "killed in processes" when they fail (or run past
    PROCESS_TIMEOUT seconds), the status it had otherwise. The source is put back after
    each."""
    source = work / module
    original = source.read_bytes()
    outcome = {}
    try:
        for n, name in enumerate(names, start=1):
            mutmut(work, "apply", name, capture=True)
            if source.read_bytes() == original:
                raise RuntimeError(f"mutmut apply {name} left {module} as it was")
            try:
                run = subprocess.run(
                    [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                     "-p", "no:randomly", *tests], cwd=work, capture_output=True,
                    timeout=PROCESS_TIMEOUT,
                    env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
                killed = run.returncode != 0
            except subprocess.TimeoutExpired:
                killed = True
            finally:
                source.write_bytes(original)
            outcome[name] = "killed in processes" if killed else "survived in processes"
            print(f"  [{n}/{len(names)}] {name}: {outcome[name]}", flush=True)
    finally:
        source.write_bytes(original)
    return outcome


def natural(name: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="a module of search/ or web/, e.g. compile, "
                        "search/query/compile.py or web/errors.py")
    parser.add_argument("--max-children", type=int, default=max(1, (os.cpu_count() or 2) // 2))
    parser.add_argument(
        "--tests",
        nargs="+",
        default=["tests/unit"],
        help="test files, folders or node ids to run (default tests/unit), system tests"
        " included; name yours if a colleague's unfinished test in tests/unit fails the clean run",
    )
    parser.add_argument("--in-processes", action="store_true",
                        help="run each mutant mutmut did not kill again as a whole pytest "
                        "process (code that runs in forked workers)")
    parser.add_argument("--clean", action="store_true", help="delete the work copy at the end")
    parser.add_argument("--quiet", action="store_true", help="hide mutmut's progress output")
    args = parser.parse_args()

    module = module_path(args.module)
    work = make_copy(module, args.tests)
    print(f"work copy: {work}", flush=True)
    unstable = unstable_test_ids(work, args.tests)
    if unstable:
        print("these tests' ids change from one pytest session to the next, so mutmut would")
        print("count every mutant they cover as killed; give them ASCII ids without control")
        print("characters, or leave them out of --tests:")
        print("\n".join(f"  {name}" for name in unstable))
        return 2

    run = mutmut(work, "run", "--max-children", str(args.max_children), capture=args.quiet)
    if run.returncode != 0:
        if args.quiet:
            print(run.stdout, run.stderr, sep="\n")
        print(f"mutmut run failed (exit {run.returncode}); work copy kept: {work}")
        return run.returncode

    listing = mutmut(work, "results", "--all", "true", capture=True)
    status: dict[str, str] = {}
    for line in listing.stdout.splitlines():
        m = re.fullmatch(r"\s*(\S+): (.+)", line)
        if m:
            status[m[1]] = m[2].strip()
    counts = Counter(status.values())
    total = len(status)
    killed = sum(counts[s] for s in DETECTED)
    survivors = sorted((k for k, s in status.items() if s not in DETECTED), key=natural)
    if args.in_processes and survivors:
        for name, outcome in in_processes(work, module, survivors, args.tests).items():
            status[name] = outcome
        counts = Counter(status.values())
        killed = sum(counts[s] for s in DETECTED)
        survivors = sorted((k for k, s in status.items() if s not in DETECTED), key=natural)

    diffs = mutmut_python(
        work,
        "import sys\nfrom mutmut.mutation.diff_apply import get_diff_for_mutant\n"
        "for name in sys.argv[1:]:\n    print(f'# {name}')\n"
        "    print(get_diff_for_mutant(name))\n",
        *survivors,
    )
    (work / "survivors.diff").write_text(diffs, encoding="utf-8")

    print()
    if survivors:
        print("not killed:")
        for name in survivors:
            print(f"  {name}  ({status[name]})")
    print(f"== {module} (tests: {' '.join(args.tests)})")
    print("   " + ", ".join(f"{s}: {n}" for s, n in sorted(counts.items())))
    pct = 100.0 * killed / total if total else 0.0
    print(f"   killed {killed} / {total}, not killed {total - killed}  ->  {pct:.1f} % killed")
    if args.clean:
        shutil.rmtree(work)
    else:
        print(f"diffs: {work / 'survivors.diff'}")
        print(f"inspect: cd {work} && {sys.executable} -m mutmut show <mutant id>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
