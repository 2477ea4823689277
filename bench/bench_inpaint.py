"""Inpainting bench: preview latency and posterior-sample time at the default image size
(2 CPU threads), full T and strided, and how well dead-leaves edges are continued into a
hidden square: RMSE inside the mask of the posterior mean vs the truth, against
unconditional samples, the data set's mean grey, and the mean of the visible pixels.

    python bench/bench_inpaint.py [--model assets/models/deadleaves.h5] [--stride 10]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.images import make_images  # noqa: E402
from engine.inpaint import inpaint, inpaint_progressive, kept_steps  # noqa: E402
from engine.sampling import sample_trajectory  # noqa: E402
from engine.storage import load_model  # noqa: E402


def latency(model, image, missing, n, stride, repeats=3):
    """(first frame, first model step, whole run) in seconds, best of `repeats`."""
    best = [np.inf] * 3
    for r in range(repeats):
        t0 = time.perf_counter()
        times = []
        for i, _ in enumerate(inpaint_progressive(model, image, missing, n=n, seed=r, stride=stride)):
            if i < 2:
                times.append(time.perf_counter() - t0)
        times.append(time.perf_counter() - t0)
        best = [min(b, t) for b, t in zip(best, times)]
    return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=str(Path(__file__).resolve().parent.parent / "assets/models/deadleaves.h5"))
    p.add_argument("--stride", type=int, default=10)
    p.add_argument("--n", type=int, default=4, help="posterior samples per request")
    p.add_argument("--images", type=int, default=50, help="held-out dead-leaves images for the edge test")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = load_model(a.model)
    C, H, W = model.shape
    data = make_images(model.config.data, n=16, seed=10_007, n_heldout=a.images,
                       **{k: v for k, v in model.config.data_args.items() if k != "levels"})
    truth = data.heldout[:a.images] + 0.5 / data.args["levels"]      # bin centres, as read_image gives
    missing = np.zeros((H, W), bool)
    q = H // 4
    missing[q:H - q, q:W - q] = True                                  # the central half-width square
    print(f"model {Path(a.model).name}: {model.describe()}; {C}×{H}×{W}, {a.threads} threads, n = {a.n}")
    inpaint(model, truth[0], missing, n=a.n, seed=0, stride=a.stride)   # warm up
    for stride in (1, a.stride):
        first, step1, total = latency(model, truth[0], missing, a.n, stride)
        print(f"stride {stride:3d} ({len(kept_steps(model.T, stride))} steps): first frame {first * 1e3:6.1f} ms, "
              f"first denoised frame {step1 * 1e3:6.1f} ms, complete posterior sample ({a.n} images) {total:6.3f} s")

    inside = lambda x: x[..., missing]
    rmse = lambda pred: float(np.sqrt(((inside(pred) - inside(truth)) ** 2).mean()))
    for stride in (1, a.stride):
        t0 = time.perf_counter()
        post = inpaint(model, truth, np.broadcast_to(missing, (len(truth), H, W)), n=8, seed=1, stride=stride)
        print(f"edge continuation, stride {stride}: RMSE inside the mask of the posterior mean (8 samples) "
              f"{rmse(post['mean']):.4f}; of one posterior sample {rmse(post['samples'][:, 0]):.4f} "
              f"({time.perf_counter() - t0:.1f} s for {len(truth)} images)")
    uncond = np.clip(model.unstandardise(sample_trajectory(model, len(truth), seed=2)[0]), 0, 1)
    grey = np.broadcast_to(model.data_mean, truth.shape)
    visible = np.where(missing, np.nan, truth)
    local = np.broadcast_to(np.nanmean(visible, axis=(2, 3), keepdims=True), truth.shape)
    print(f"baselines: unconditional sample {rmse(uncond):.4f}; data set's mean grey {rmse(grey):.4f}; "
          f"mean of the visible pixels {rmse(local):.4f}")


if __name__ == "__main__":
    main()
