"""Full-size inpainting bench (CPU threads as given by --threads, default 2). Prints:

1. latency: a 64×64 hole in a 512×512 texture image: request -> first preview frame,
   preview finished, full posterior over all T; and a 256×256 unconditional sample;
2. context: on held-out brick, R² of the posterior mean in 32×32 holes (≥ 20 holes)
   against the truth, with and without RePaint resampling, beside context-blind fills;
3. texture statistics: on held-out grass, a 100×100 hole's fill against the true region:
   radially averaged power spectrum (4 octave bands) and autocorrelation at lags 1-8.

    python bench/bench_inpaint.py [--models assets/models] [--threads 2] [--holes 24]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.core.sampling import sample_progressive  # noqa: E402
from engine.data.catalogue import heldout_canvases  # noqa: E402
from engine.data.images import training_regions  # noqa: E402
from engine.guides.inpaint import inpaint, inpaint_progressive, window_for  # noqa: E402
from engine.io.storage import load_model  # noqa: E402


def latency(model, n: int, repeats: int = 3) -> dict:
    rng = np.random.default_rng(0)
    canvas = heldout_canvases(model, 1)[0]
    image = np.tile(canvas, (1, 2, 2))[:, :512, :512]          # a 512×512 image of the texture
    missing = np.zeros((512, 512), bool)
    missing[224:288, 224:288] = True
    window = window_for(model, missing)
    out = {"first preview frame": [], "preview (every 10th step)": [], "full posterior": [], "sample 256×256": []}
    for r in range(repeats):
        t0 = time.perf_counter()
        for i, _ in enumerate(inpaint_progressive(model, image, missing, n, r, 10, "cpu", window)):
            if i == 1:
                out["first preview frame"].append(time.perf_counter() - t0)
        out["preview (every 10th step)"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _ in inpaint_progressive(model, image, missing, n, r, 1, "cpu", window):
            pass
        out["full posterior"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _ in sample_progressive(model, 1, seed=r, shape=(model.shape[0], 256, 256)):
            pass
        out["sample 256×256"].append(time.perf_counter() - t0)
    del rng
    return {k: (min(v), float(np.median(v))) for k, v in out.items()} | {"window": window}


def r_squared(model, holes: int, n: int, resample=None) -> dict:
    """Pooled R² over holes of the posterior mean and of two context-blind fills."""
    canvases = heldout_canvases(model, 2, seed=1)
    rng = np.random.default_rng(2)
    level = float(model.data_mean.mean())
    truth, fills, ring = [], [], []
    for k in range(holes):
        im = canvases[k % len(canvases)]
        y, x = rng.integers(8, im.shape[1] - 40), rng.integers(8, im.shape[2] - 40)
        missing = np.zeros(im.shape[1:], bool)
        missing[y:y + 32, x:x + 32] = True
        out = inpaint(model, im, missing, n=n, seed=k, resample=resample)
        truth.append(im[0][missing])
        fills.append(out["mean"][0][missing])
        border = np.zeros_like(missing)
        border[max(y - 4, 0):y + 36, max(x - 4, 0):x + 36] = True
        ring.append(np.full(missing.sum(), im[0][border & ~missing].mean()))
    t, f, g = (np.concatenate(a) for a in (truth, fills, ring))
    sst = ((t - level) ** 2).sum()
    return {"posterior mean": 1 - ((t - f) ** 2).sum() / sst, "mean of the 4 px ring around the hole":
            1 - ((t - g) ** 2).sum() / sst, "the texture's mean level": 1 - ((t - level) ** 2).sum() / sst}


def spectrum_bands(x: np.ndarray) -> np.ndarray:
    """Radially averaged power in 4 octave bands (cycles/pixel 1/32-1/16, ..., 1/4-1/2)."""
    x = x - x.mean()
    p = np.abs(np.fft.fft2(x)) ** 2
    fy, fx = np.meshgrid(np.fft.fftfreq(x.shape[0]), np.fft.fftfreq(x.shape[1]), indexing="ij")
    r = np.hypot(fy, fx)
    edges = [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2]
    return np.array([p[(r >= a) & (r < b)].mean() for a, b in zip(edges, edges[1:])])


def autocorr(x: np.ndarray, lags=(1, 2, 4, 8)) -> np.ndarray:
    x = (x - x.mean()) / x.std()
    return np.array([0.5 * ((x[:, k:] * x[:, :-k]).mean() + (x[k:] * x[:-k]).mean()) for k in lags])


def texture_statistics(model, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    im = heldout_canvases(model, 1)[0]
    missing = np.zeros(im.shape[1:], bool)
    missing[78:178, 78:178] = True
    out = inpaint(model, im, missing, n=n, seed=0)
    true = im[0][78:178, 78:178]
    fill = [s[0][78:178, 78:178] for s in out["samples"]]
    sp = np.mean([spectrum_bands(f) for f in fill], 0) / spectrum_bands(true)
    ac_true = autocorr(true)
    ac = np.mean([autocorr(f) for f in fill], 0)
    return sp, ac, ac_true, out


def where_the_gap_is(model, n: int, side: int = 100, crops: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Power of the held-out block's true region, and of unconditional samples at the same
    size, each ÷ the power of same-sized crops of the training region: does the model match
    what it learnt from, and how far is the held-out block from that?"""
    rng = np.random.default_rng(0)
    regions = [r for r in training_regions(model.config.data, model.config.data_args)
               if min(r.shape[1:]) >= side]
    train = []
    for _ in range(crops):
        r = regions[rng.integers(len(regions))]
        y, x = rng.integers(r.shape[1] - side + 1), rng.integers(r.shape[2] - side + 1)
        train.append(spectrum_bands(r[0, y:y + side, x:x + side]))
    train = np.mean(train, 0)
    im = heldout_canvases(model, 1)[0]
    held = spectrum_bands(im[0][78:178, 78:178])
    for step in sample_progressive(model, n, seed=0, shape=(model.shape[0], side, side)):
        x = step.x
    std = float(np.ravel(model.data_std)[0])
    samples = np.mean([spectrum_bands(np.asarray(s[0], np.float64) * std) for s in np.asarray(x)], 0)
    return held / train, samples / train


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="assets/models")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--holes", type=int, default=24)
    ap.add_argument("--n", type=int, default=4)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    folder = Path(args.models)
    grass, brick = load_model(folder / "texture.h5"), load_model(folder / "brick.h5")
    lat = latency(grass, args.n)
    print(f"| latency, grass model, {args.threads} threads, n = {args.n} | best s | median s |\n|---|---|---|")
    for k, v in lat.items():
        if k != "window":
            print(f"| {k} | {v[0]:.3f} | {v[1]:.3f} |")
    y0, y1, x0, x1 = lat["window"]
    print(f"(window sampled: {y1 - y0}×{x1 - x0} of 512×512)\n")
    print(f"| brick, {args.holes} held-out 32×32 holes | R² |\n|---|---|")
    for k, v in r_squared(brick, args.holes, args.n).items():
        print(f"| {k} | {v:.3f} |")
    rs = r_squared(brick, args.holes, args.n, resample=(10, 3))
    print(f"| posterior mean with RePaint resampling (jump 10, 3 passes) | {rs['posterior mean']:.3f} |\n")
    sp, ac, ac_true, _ = texture_statistics(grass, args.n)
    print("| grass, 100×100 hole | band 1/32-1/16 | 1/16-1/8 | 1/8-1/4 | 1/4-1/2 |\n|---|---|---|---|---|")
    print("| fill power ÷ true power | " + " | ".join(f"{v:.2f}" for v in sp) + " |\n")
    print("| autocorrelation at lag | 1 | 2 | 4 | 8 |\n|---|---|---|---|---|")
    print("| true region | " + " | ".join(f"{v:.3f}" for v in ac_true) + " |")
    print("| fill (mean over samples) | " + " | ".join(f"{v:.3f}" for v in ac) + " |\n")
    held, uncond = where_the_gap_is(grass, args.n)
    print("| power ÷ training-region crops (100×100) | 1/32-1/16 | 1/16-1/8 | 1/8-1/4 | 1/4-1/2 |\n|---|---|---|---|---|")
    print("| held-out block's true region | " + " | ".join(f"{v:.2f}" for v in held) + " |")
    print("| unconditional samples | " + " | ".join(f"{v:.2f}" for v in uncond) + " |")


if __name__ == "__main__":
    main()
