"""Architecture rules that a refactor could break silently."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_engine_never_imports_qt():
    code = ("import engine, pkgutil, importlib, sys\n"
            "for m in pkgutil.walk_packages(engine.__path__, 'engine.'): importlib.import_module(m.name)\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'shiboken'))]\n"
            "assert not bad, bad\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_no_pickle_anywhere():
    pattern = re.compile(r"import pickle|torch\.load\(|allow_pickle\s*=\s*True|import dill|joblib\.load")
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                 if ".venv" not in p.parts and p.name != "test_boundaries.py" and pattern.search(p.read_text())]
    assert not offenders, offenders


# The engine modules the GUI may import: a pinned, small surface (the design's rule), so a
# new dependency of explorer/ on engine internals is a decision, not an accident.
EXPLORER_MAY_IMPORT = {
    "engine.cli.errors",     # explorer/recording/cli.py: the `animate` command (it needs Qt)
    "engine.core.respacing", "engine.core.sampling", "engine.core.schedules", "engine.data.binary", "engine.data.catalogue",
    "engine.data.errors", "engine.data.image_io", "engine.data.points", "engine.data.split",
    "engine.guides.denoise", "engine.io.posterior", "engine.io.storage", "engine.model", "engine.presets",
    "engine.io.workspace",   # explorer/shell/workspace_files.py: checks a workspace file before opening it
    "engine.runtime.protocol", "engine.runtime.worker",
}


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def engine_imports(path: Path) -> set[str]:
    """Engine modules a file imports; `from engine.a import b` counts engine.a.b when b is
    a module itself (as `from engine.runtime import protocol as m` does)."""
    import ast
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "engine"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "engine":
            subs = {f"{node.module}.{a.name}" for a in node.names if _is_module(f"{node.module}.{a.name}")}
            found |= subs or {node.module}
    return found


def test_explorer_imports_only_the_pinned_engine_modules():
    used: dict[str, set[str]] = {}
    for p in sorted((ROOT / "explorer").rglob("*.py")):
        for name in engine_imports(p):
            used.setdefault(name, set()).add(p.relative_to(ROOT).as_posix())
    extra = {k: sorted(v) for k, v in used.items() if k not in EXPLORER_MAY_IMPORT}
    assert not extra, f"explorer/ imports engine modules outside the pinned set: {extra}"
    unused = EXPLORER_MAY_IMPORT - set(used)
    assert not unused, f"pinned but no longer imported (drop them from the set): {sorted(unused)}"
    assert all(_is_module(name) for name in EXPLORER_MAY_IMPORT)
    # Only the client talks to the worker thread; everything else goes through it.
    assert used["engine.runtime.worker"] == {"explorer/engine_client.py"}


def test_engine_imports_are_read_as_modules(tmp_path):
    src = tmp_path / "x.py"
    src.write_text("from engine.runtime import protocol as m\nimport engine.presets\n"
                   "from engine.data.catalogue import POINT_SETS\ndef f():\n    from engine.model import model_kind\n")
    assert engine_imports(src) == {"engine.runtime.protocol", "engine.presets", "engine.data.catalogue",
                                   "engine.model"}
