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
    import torch

    from engine.data.points import make_points
    from engine.model import DiffusionModel, ModelConfig
    from engine.io.storage import save_model
    from engine.training import TrainConfig, train

    torch.manual_seed(0)
    data = make_points("swissroll", n=4000, seed=0)
    cfg = ModelConfig(T=10, schedule="snr", beta1=1e-3, shape=(2,),
                      net={"kind": "mlp", "hidden": 32, "layers": 2, "J": 4})
    model = DiffusionModel(cfg, data.train.mean(0), data.train.std(0))
    for _ in train(model, model.standardise(data.train), model.standardise(data.heldout),
                   TrainConfig(steps=200, batch=256, eval_every=100, eval_points=500, device="cpu")):
        pass
    path = tmp_path_factory.mktemp("models") / "tiny.h5"
    save_model(model, path)
    return path
