"""One table of engine speeds for every device present (cpu always; cuda and mps when
torch sees them): training steps/s of a 2-D and an image model (the presets' networks and
batches, through engine.training.train, so CUDA gets its bf16/channels_last path),
sampling 10k 2-D points through all T, one 256×256 image sample, and the latency of a
full inpainting posterior (4 samples) for a 64×64 hole in a 512×512 image.

    python bench/bench_device.py [--threads N] [--compile] [--repeats 3]

The networks are the presets' at their initial weights (speed does not depend on the
weights), so no trained model is needed. Times are the best of --repeats runs."""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import presets  # noqa: E402
from engine.core.sampling import sample_progressive  # noqa: E402
from engine.guides.inpaint import inpaint  # noqa: E402
from engine.model import DiffusionModel  # noqa: E402
from engine.training import TrainConfig, train  # noqa: E402


def devices() -> list[str]:
    found = ["cpu"]
    if torch.cuda.is_available():
        found.append("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        found.append("mps")
    return found


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()
    elif device == "mps":
        torch.mps.synchronize()


def best(fn, device: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        sync(device)
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - t0)
    return min(times)


def points_model() -> DiffusionModel:
    cfg = replace(presets.model_defaults("swissroll"), shape=(2,))
    return DiffusionModel(cfg, np.zeros(2), np.ones(2))


def image_model(size: int) -> DiffusionModel:
    cfg = replace(presets.model_defaults("texture"), shape=(1, size, size))
    return DiffusionModel(cfg, np.full((1, 1, 1), 0.5), np.full((1, 1, 1), 0.25))


def train_rate(model, tcfg: TrainConfig, device: str, warm: int, timed: int, compile: bool) -> float:
    """Optimiser steps per second after `warm` steps, bound evaluations excluded."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4096, *model.shape)).astype(np.float32)
    cfg = replace(tcfg, steps=warm + timed + 1, device=device, eval_every=10**9, eval_points=8, report_every=1,
                  compile=compile)
    stamps = {}
    for p in train(model, x, x[:8], cfg):
        sync(device)
        stamps[p.step] = time.perf_counter()
    return timed / (stamps[warm + timed] - stamps[warm])


def measure(device: str, args) -> dict[str, str]:
    out = {}
    pts, img = points_model(), image_model(32)
    light = device == "cpu"
    out["train 2-D (batch 512), steps/s"] = f"{train_rate(pts, presets.POINTS_TRAIN, device, 20, 200 if light else 1000, args.compile):.0f}"
    out["train image 32×32 (batch 32), steps/s"] = f"{train_rate(img, presets.IMAGE_TRAIN, device, 3, 15 if light else 200, args.compile):.1f}"
    pts.to(device)
    img.to(device)

    def sample_points():
        for _ in sample_progressive(pts, 10_000, seed=0, device=device):
            pass

    def sample_image():
        for _ in sample_progressive(img, 1, seed=0, device=device, shape=(1, 256, 256)):
            pass

    rng = np.random.default_rng(1)
    image = rng.uniform(0, 1, (1, 512, 512))
    missing = np.zeros((512, 512), bool)
    missing[224:288, 224:288] = True

    def fill():
        inpaint(img, image, missing, n=4, seed=0, device=device)

    out[f"sample 10k 2-D points × T={pts.T}"] = f"{best(sample_points, device, args.repeats) * 1e3:.0f} ms"
    out[f"sample one 256×256 image × T={img.T}"] = f"{best(sample_image, device, args.repeats):.2f} s"
    out["inpaint 64×64 hole in 512×512 (4 samples, all T)"] = f"{best(fill, device, args.repeats):.2f} s"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=None, help="CPU threads for torch (default: torch's)")
    ap.add_argument("--compile", action="store_true", help="train with torch.compile")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    found = devices()
    cols = {d: measure(d, args) for d in found}
    threads = torch.get_num_threads()
    names = {"cpu": f"cpu ({threads} thread{'s' if threads != 1 else ''})",
             "cuda": f"cuda ({torch.cuda.get_device_name(0)})" if "cuda" in found else "cuda", "mps": "mps"}
    print(f"torch {torch.__version__}{', torch.compile' if args.compile else ''}\n")
    print("| measure | " + " | ".join(names[d] for d in found) + " |")
    print("|---|" + "---:|" * len(found))
    for row in cols["cpu"]:
        print(f"| {row} | " + " | ".join(cols[d][row] for d in found) + " |")


if __name__ == "__main__":
    main()
