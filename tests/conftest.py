import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory):
    """A small Swiss roll model trained for a few hundred steps (seconds on a CPU)."""
    from tests.tiny_models import train_tiny_vectors

    return train_tiny_vectors(tmp_path_factory.mktemp("models") / "tiny.h5", "swissroll", 4000, T=10,
                              schedule="snr", beta1=1e-3, net={"kind": "mlp", "hidden": 32, "layers": 2, "J": 4},
                              train={"steps": 200, "batch": 256, "eval_every": 100, "eval_points": 500})
