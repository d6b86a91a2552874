"""search.index.version: hashes of files, of the inputs and of the code (written for
mutation testing); real files in tmp_path and the real package."""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from search.config import DATA_DIR, PACKAGE_DIR
from search.index import version
from tests.unit.test_build_modules import _package


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_sha256_and_file_hash_of_a_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"kirinuki")
    assert version.sha256(path) == _digest(b"kirinuki")
    assert version.file_hash(path) == _digest(b"kirinuki")
    assert len(version.file_hash(path)) == 64


def test_file_hash_of_what_is_not_read(tmp_path):
    assert version.file_hash(tmp_path) == "unreadable: Is a directory"
    assert version.file_hash(tmp_path / "gone.txt") == "unreadable: No such file or directory"
    # a regular file (to stat) that cannot be read
    assert version.file_hash(Path("/proc/self/mem")) == "unreadable: Input/output error"


def test_input_hashes(tmp_path):
    (tmp_path / "b.txt").write_bytes(b"bb")
    (tmp_path / "a.md").write_bytes(b"aa")
    (tmp_path / "README.md").write_bytes(b"not read")
    (tmp_path / "x.bin").write_bytes(b"not read")
    tables = {f"data/{name}": _digest((DATA_DIR / name).read_bytes())
              for name in ("countries.toml", "kyujitai.tsv", "names.tsv",
                           "organizations.toml", "outlets.toml")}
    assert version.input_hashes(tmp_path) == {
        "corpus/a.md": _digest(b"aa"), "corpus/b.txt": _digest(b"bb"), **tables}
    (tmp_path / "manifest.toml").write_bytes(b"[x]\n")
    hashes = version.input_hashes(tmp_path)
    assert hashes == {"corpus/a.md": _digest(b"aa"), "corpus/b.txt": _digest(b"bb"),
                      "corpus/manifest.toml": _digest(b"[x]\n"), **tables}
    assert list(hashes)[:3] == ["corpus/a.md", "corpus/b.txt", "corpus/manifest.toml"]
    # without the archives: the manifest and the tables only
    assert version.input_hashes(tmp_path, archives=False) == {
        "corpus/manifest.toml": _digest(b"[x]\n"), **tables}


def test_build_tables_of_the_real_package():
    assert version.build_tables(PACKAGE_DIR) == [
        "countries.toml", "kyujitai.tsv", "names.tsv", "organizations.toml", "outlets.toml"]


def test_build_tables_reads_names_of_files_in_data(tmp_path):
    package = tmp_path / "search"
    (package / "index").mkdir(parents=True)
    (package / "__init__.py").write_text('NAME = "outlets.toml"\n', encoding="utf-8")
    (package / "index" / "build.py").write_text(
        'A = "synonyms.txt"\nB = "missing.toml"\nC = "corpus/x.txt"\nD = "eras"\n'
        'E = " eras.toml"\nF = 3\nG = "countries.toml"\nH = b"kyujitai.tsv"\n'
        'I = "corpus"\n', encoding="utf-8")
    assert version.build_tables(package) == ["countries.toml", "outlets.toml",
                                             "synonyms.txt"]


def test_code_hashes():
    found = version.code_hashes()
    modules = sorted(version.build_modules(PACKAGE_DIR))
    assert list(found) == [*modules, "sudachipy", "sudachidict-core", "whoosh-reloaded"]
    for name in modules:
        assert found[name] == _digest((PACKAGE_DIR / name).read_bytes())
    for lib in version.LIBRARIES:
        assert found[lib] == metadata.version(lib)
    assert "index/build.py" in found and "index/version.py" in found
    assert "__init__.py" in found


def test_build_modules_default_start_and_edges(tmp_path):
    package = _package(tmp_path, {
        "__init__.py": "",
        "index/__init__.py": "",
        "index/build.py": ("from .. import top\nfrom . import a, b\nimport search\n"
                           "import search.deep.mod as m\n"
                           'HOOK = "search.x.y:run"\nNOT = "search.x.y:"\n'
                           'NOT2 = "xsearch.z:run"\nNOT3 = "search:run"\n'),
        "top.py": "from ... import nothing\nfrom .. import nothing2\n",
        "index/a.py": "",
        "index/b/__init__.py": "",
        "deep/__init__.py": "",
        "deep/mod.py": "",
        "x/__init__.py": "",
        "x/y.py": "",
        "z.py": "",
        "nothing2.py": "",
    })
    assert version.build_modules(package) == {
        "__init__.py", "index/__init__.py", "index/build.py", "top.py", "index/a.py",
        "index/b/__init__.py", "deep/__init__.py", "deep/mod.py", "x/__init__.py", "x/y.py"}


def test_build_modules_of_a_package_init(tmp_path):
    package = _package(tmp_path, {
        "__init__.py": "",
        "sub/__init__.py": "from .inner import x\nfrom . import sibling\n",
        "sub/inner.py": "from ..other import y\n",
        "sub/sibling.py": "",
        "other.py": "",
        "unused.py": "",
    })
    assert version.build_modules(package, "sub/__init__.py") == {
        "__init__.py", "sub/__init__.py", "sub/inner.py", "sub/sibling.py", "other.py"}
    assert version.build_modules(package, "missing.py") == set()


def test_imported_directly():
    import ast

    def imported(source: str, here: list[str]) -> list[list[str]]:
        return [t for node in ast.walk(ast.parse(source))
                for t in version._imported(node, here, "search")]

    assert imported("from .a import b, c", ["index"]) == [
        ["index", "a"], ["index", "a", "b"], ["index", "a", "c"]]
    assert imported("from ..a.b import c", ["index", "codec"]) == [
        ["index", "a", "b"], ["index", "a", "b", "c"]]
    assert imported("from . import c", []) == [[], ["c"]]
    assert imported("from .. import c", []) == []
    assert imported("from .. import c", ["index"]) == [[], ["c"]]
    assert imported("from search.text import kana", ["x"]) == [["text"], ["text", "kana"]]
    assert imported("from search import kana", []) == [[], ["kana"]]
    assert imported("from whoosh import query", []) == []
    assert imported("import search.a.b, os, search", []) == [["a", "b"], []]
    assert imported('"search.a.b:f"', []) == [["a", "b"]]
    assert imported('"search.a:f"', []) == [["a"]]
    assert imported('"search.a.b"', []) == []
    assert imported('"search:f"', []) == []
    assert imported('"xsearch.a:f"', []) == []
    assert imported('"search.a:f.g"', []) == []
    assert imported("x = 1", []) == []


def test_file_hash_of_a_file_too_large_reads_nothing(tmp_path):
    from search.corpus.textio import MAX_FILE_BYTES

    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: no space taken
        fh.truncate(MAX_FILE_BYTES + 1)
    assert version.file_hash(path) == f"unreadable: larger than {MAX_FILE_BYTES >> 20} MB"


def test_a_library_not_installed_is_a_question_mark(monkeypatch):
    monkeypatch.setattr(version, "LIBRARIES", ("whoosh-reloaded", "no-such-library-kirinuki"))
    found = version.code_hashes()
    assert found["no-such-library-kirinuki"] == "?"
    assert found["whoosh-reloaded"] == metadata.version("whoosh-reloaded")
    assert "sudachipy" not in found


def test_packages_of_any_name_are_imported_whole(tmp_path):
    # a folder whose name begins with X: only the leading "/" of a path is stripped
    package = _package(tmp_path, {
        "__init__.py": "",
        "Xa/__init__.py": "",
        "Xa/m.py": "",
    })
    assert version.build_modules(package, "Xa/m.py") == {
        "__init__.py", "Xa/__init__.py", "Xa/m.py"}


def test_what_modules_import_is_remembered_on_disk_by_each_files_version(tmp_path,
                                                                        monkeypatch):
    """The imports and file names each module holds are kept in the package's
    __pycache__ by modification time and size: a later process reads them there instead
    of parsing the module, and a module changed since is parsed again."""
    import json
    import os

    package = _package(tmp_path, {"__init__.py": "", "index/__init__.py": "",
                                  "index/build.py": "from . import a\nT = 'countries.tsv'\n",
                                  "index/a.py": "", "index/b.py": ""})
    monkeypatch.setattr(version, "_facts_known", {})
    assert version.build_modules(package) == {
        "__init__.py", "index/__init__.py", "index/build.py", "index/a.py"}
    saved = json.loads((package / "__pycache__" / version._FACTS_FILE).read_text("utf-8"))
    assert saved["index/build.py"]["imports"] == [["index"], ["index", "a"]]
    assert saved["index/build.py"]["names"] == ["countries.tsv"]
    stat = (package / "index/build.py").stat()
    assert saved["index/build.py"]["stamp"] == [stat.st_mtime_ns, stat.st_size]

    # a new process: the modules are not parsed again (the file's text is no Python now,
    # but it has the same size and time)
    text = (package / "index/build.py").read_text(encoding="utf-8")
    (package / "index/build.py").write_text("(" * len(text), encoding="utf-8")
    os.utime(package / "index/build.py", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    monkeypatch.setattr(version, "_facts_known", {})
    assert "index/a.py" in version.build_modules(package)

    # a module changed since: parsed again, and what it now imports followed
    (package / "index/build.py").write_text("from . import b\n", encoding="utf-8")
    os.utime(package / "index/build.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert version.build_modules(package) == {
        "__init__.py", "index/__init__.py", "index/build.py", "index/b.py"}


def test_modules_are_read_as_before_where_nothing_can_be_remembered(tmp_path, monkeypatch):
    package = _package(tmp_path, {"__init__.py": "", "index/__init__.py": "",
                                  "index/build.py": "from . import a\n", "index/a.py": ""})
    (package / "__pycache__").write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(version, "_facts_known", {})
    assert "index/a.py" in version.build_modules(package)
    # a garbled file of facts is passed over
    other = _package(tmp_path / "other", {"__init__.py": "", "index/__init__.py": "",
                                          "index/build.py": "from . import a\n",
                                          "index/a.py": ""})
    (other / "__pycache__").mkdir()
    (other / "__pycache__" / version._FACTS_FILE).write_text("[1, 2", encoding="utf-8")
    monkeypatch.setattr(version, "_facts_known", {})
    assert "index/a.py" in version.build_modules(other)
