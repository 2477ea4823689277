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
