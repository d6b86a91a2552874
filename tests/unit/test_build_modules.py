"""The modules a build reaches, found from the imports at any depth (search/index/build.py)."""

from __future__ import annotations

from pathlib import Path

from search.index.version import build_modules


def _package(root: Path, files: dict[str, str]) -> Path:
    package = root / "search"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_every_kind_of_import_at_any_depth_is_followed(tmp_path):
    package = _package(tmp_path, {
        "__init__.py": "",
        "config.py": "",
        "index/__init__.py": "",
        "index/build.py": ("from ..corpus.loading import load\n"
                           "from . import schema\n"
                           "from .codec import write\n"
                           "import search.config\n"),
        "index/schema.py": "from ..text.analysis import Analyzer\n",
        "index/codec/__init__.py": "",
        "index/codec/write.py": "from search.text import kana\n",
        "corpus/__init__.py": "",
        "corpus/loading.py": "from .deep.parser import parse\nimport os\n",
        "corpus/deep/__init__.py": "",
        "corpus/deep/parser.py": "from ...text.kana import fold  # three levels up\n",
        "text/__init__.py": "",
        "text/analysis.py": "",
        "text/kana.py": "",
        "query/__init__.py": "",
        "query/compile.py": "from ..text.analysis import Analyzer\n",  # searching only
    })
    assert build_modules(package, "index/build.py") == {
        "__init__.py", "config.py", "index/__init__.py", "index/build.py",
        "index/schema.py", "index/codec/__init__.py", "index/codec/write.py",
        "corpus/__init__.py", "corpus/loading.py", "corpus/deep/__init__.py",
        "corpus/deep/parser.py", "text/__init__.py", "text/analysis.py", "text/kana.py"}


def test_an_import_past_the_package_or_of_another_package_is_not_followed(tmp_path):
    package = _package(tmp_path, {
        "__init__.py": "",
        "build.py": ("from ... import elsewhere\nimport whoosh.writing\n"
                     "from searchlight import x\nfrom .missing import y\n"),
    })
    assert build_modules(package, "build.py") == {"__init__.py", "build.py"}


def test_a_module_named_as_a_hook_is_followed(tmp_path):
    # search/facets.py names its extractors as "module:function", imported when called
    package = _package(tmp_path, {
        "__init__.py": "",
        "facets.py": ('EXTRACT = "search.corpus.places:countries_of"\n'
                      'NOT_A_HOOK = "search.corpus.other"\n'
                      'ELSEWHERE = "searchlight.x:y"\n'),
        "corpus/__init__.py": "",
        "corpus/places.py": "",
        "corpus/other.py": "",
    })
    assert build_modules(package, "facets.py") == {
        "__init__.py", "facets.py", "corpus/__init__.py", "corpus/places.py"}
