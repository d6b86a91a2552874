"""Which inputs and code made an index: the hashes its meta keeps, to know when it is stale.

The corpus files and the data tables the build reads are hashed; so is every module of the
``search`` package the build can reach (found from the imports at any depth, not listed by
hand), and the versions of the libraries that decide what is written. An index whose code
hashes differ from the running code's was made by another version of kirinuki.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import threading
from pathlib import Path

from ..config import DATA_DIR, PACKAGE_DIR
from ..corpus.loading import corpus_files
from ..corpus.textio import unreadable
from ..datatables import keep_file

# Libraries whose version changes what is indexed: the tokens, or the files written.
LIBRARIES = ("sudachipy", "sudachidict-core", "whoosh-reloaded")


def sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_hash(path: Path) -> str:
    """The hash of a corpus file; for one that is not read, why, in the words the loader
    records (it is read again, and reported, once that changes). A named pipe or a device
    is never opened."""
    why = unreadable(path)
    if why is not None:
        return why
    try:
        return sha256(path)
    except OSError as exc:
        return f"unreadable: {exc.strerror or type(exc).__name__}"


def input_hashes(folder: Path, archives: bool = True) -> dict[str, str]:
    """Hashes of every corpus file and of the data tables the records depend on; without
    ``archives``, of the manifest and the tables only (a build knows the hashes of the
    archives it read: hashing 843 MB of them again took a second and a half)."""
    found = {f"corpus/{p.name}": file_hash(p) for p in corpus_files([folder])} \
        if archives else {}
    manifest = folder / "manifest.toml"
    if manifest.exists():
        found["corpus/manifest.toml"] = sha256(manifest)
    for name in build_tables(PACKAGE_DIR):
        found[f"data/{name}"] = sha256(DATA_DIR / name)
    return found


_FILE_NAME = re.compile(r"[\w.-]{1,100}\.\w+")  # a file's name: no folder, no space


def build_tables(package: Path) -> list[str]:
    """The data tables the build reads: the files of data/ its modules name.

    Found in the modules' source, not listed by hand, so a new table is covered as soon as
    the build uses it; tables only searching reads (synonyms.txt) need no rebuild.
    """
    names: set[str] = set()
    for module in build_modules(package):
        names.update(value for value in _facts(package, module)[1]
                     if (DATA_DIR / value).is_file())
    return sorted(names)


# What each module imports and the file names it mentions, kept on disk beside Python's
# own compiled files (the package's __pycache__) by each file's modification time and
# size: a build asks twice (the tables, the code), a server at start too, and parsing the
# modules' syntax trees was a tenth of reindexing the bundled corpus (0.05-0.08 s). Where
# the folder cannot be written, they are worked out each time, as before.
_FACTS_FILE = "kirinuki-modules.json"
_facts_known: dict[str, dict] = {}
_facts_new: set[str] = set()  # packages with facts worked out since they were saved
_facts_lock = threading.Lock()


def _facts(package: Path, name: str) -> tuple[list[list[str]], list[str]]:
    """The module paths (inside ``package``) module ``name`` may import, and the file
    names among its string constants."""
    path = package / name
    stat = path.stat()
    with _facts_lock:
        known = _facts_known.get(str(package))
        if known is None:
            known = _facts_known[str(package)] = _read_facts(package)
        entry = known.get(name)
        if entry is not None and entry["stamp"] == [stat.st_mtime_ns, stat.st_size]:
            return entry["imports"], entry["names"]
    here = _package_of(name)
    imports: list[list[str]] = []
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        imports += _imported(node, here, package.name)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and _FILE_NAME.fullmatch(node.value):
            names.append(node.value)
    with _facts_lock:
        known[name] = {"stamp": [stat.st_mtime_ns, stat.st_size], "imports": imports,
                       "names": names}
        _facts_new.add(str(package))
    return imports, names


def _read_facts(package: Path) -> dict:
    try:
        found = json.loads((package / "__pycache__" / _FACTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _save_facts(package: Path) -> None:
    """The package's facts saved whole, once new ones were worked out, by a rename (two
    processes writing at once: one of them is kept)."""
    with _facts_lock:
        if str(package) not in _facts_new:
            return
        _facts_new.discard(str(package))
        known = dict(_facts_known[str(package)])
    keep_file(package / "__pycache__", _FACTS_FILE, json.dumps(known).encode("utf-8"))


def code_hashes() -> dict[str, str]:
    """What made the index, beyond its inputs: the code that builds it and its libraries.

    The code is this module and every module of the package it imports, directly or not,
    found by reading their import statements rather than from a list kept by hand: change
    a parser, the country rules or the analyzer and the index is out of date.
    """
    from importlib import metadata  # (3 ms to import: only when the hashes are worked out)

    found = {name: sha256(PACKAGE_DIR / name) for name in sorted(build_modules(PACKAGE_DIR))}
    for lib in LIBRARIES:
        try:
            found[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            found[lib] = "?"
    return found


def build_modules(package: Path, start: str = "index/build.py") -> set[str]:
    """The files of ``package`` (paths relative to it) that ``start`` imports, directly or
    through one another, at any depth: relative imports of any level, absolute ones of the
    package, ``from . import module`` and the ``__init__.py`` of every package a module is
    in (importing it runs them), and the modules a declaration names as a hook
    (``"search.corpus.places:countries_of"`` in search/facets.py), which are imported when
    the hook is called."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or not (package / name).is_file():
            continue
        seen.add(name)
        here = _package_of(name)
        todo += [f"{'/'.join(here[:i])}/__init__.py".lstrip("/") for i in range(len(here) + 1)]
        for target in _facts(package, name)[0]:
            todo += [f"{'/'.join(target)}.py", f"{'/'.join(target)}/__init__.py"]
    _save_facts(package)
    return seen


def _package_of(name: str) -> list[str]:
    """The package a module file is in (a package's ``__init__.py``: that package)."""
    parts = name.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return parts if name.endswith("__init__.py") else parts[:-1]


def _imported(node: ast.AST, here: list[str], top: str) -> list[list[str]]:
    """The module paths (inside the package) an import statement or a hook may load."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        hook = re.fullmatch(rf"{top}((?:\.\w+)+):\w+", node.value)
        return [hook.group(1).split(".")[1:]] if hook else []
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[1:] for alias in node.names
                if alias.name.split(".")[0] == top]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        if node.level - 1 > len(here):
            return []
        base = here[:len(here) - (node.level - 1)]
    elif (node.module or "").split(".")[0] == top:
        base = []
    else:
        return []
    module = (node.module or "").split(".")
    if not node.level:
        module = module[1:]
    target = base + [m for m in module if m]
    # the module itself, and each name imported from it, which may be a module too
    return [target] + [target + [alias.name] for alias in node.names]
