"""Full-size inpainting bench (CPU threads as given by --threads, default 2). Prints:

1. latency: a 64×64 hole in a 512×512 texture image: request -> first preview frame,
   preview finished, full posterior over all T; and a 256×256 unconditional sample;
2. context: on held-out brick, R² of the posterior mean in 32×32 holes (≥ 20 holes)
   against the truth, with and without RePaint resampling, beside context-blind fills;
3. texture statistics: on held-out grass, 100×100 holes' fills against the true regions:
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

from engine.core.sampling import last_step, sample_progressive  # noqa: E402
from engine.data.catalogue import heldout_canvases  # noqa: E402
from engine.data.images import band_power, training_regions  # noqa: E402
from engine.guides.inpaint import inpaint, inpaint_progressive, window_for  # noqa: E402
from engine.io.storage import load_model  # noqa: E402


def latency(model, n: int, repeats: int = 3) -> dict:
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
        last_step(inpaint_progressive(model, image, missing, n, r, 1, "cpu", window))
        out["full posterior"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        last_step(sample_progressive(model, 1, seed=r, shape=(model.shape[0], 256, 256)))
        out["sample 256×256"].append(time.perf_counter() - t0)
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


def autocorr(x: np.ndarray, lags=(1, 2, 4, 8)) -> np.ndarray:
    x = (x - x.mean()) / x.std()
    return np.array([0.5 * ((x[:, k:] * x[:, :-k]).mean() + (x[k:] * x[:-k]).mean()) for k in lags])


HOLES = ((20, 20), (20, 136), (136, 20), (136, 136), (78, 78))   # 100×100 holes in the 256×256 block


def texture_statistics(model, n: int, holes=HOLES, side: int = 100, resample=None):
    """Fill against truth over several 100×100 holes in the held-out block (one hole's
    lowest band holds only ~40 independent frequencies: pooling the holes steadies it).
    Returns power ratios by band (pooled; its standard error over the n samples, which
    says how much is sampling noise; per hole) and autocorrelations (pooled)."""
    im = heldout_canvases(model, 1)[0]
    fill_sp, true_sp, fill_ac, true_ac = [], [], [], []
    for k, (y, x) in enumerate(holes):
        missing = np.zeros(im.shape[1:], bool)
        missing[y:y + side, x:x + side] = True
        out = inpaint(model, im, missing, n=n, seed=k, resample=resample)
        true = im[0][y:y + side, x:x + side]
        fill = [s[0][y:y + side, x:x + side] for s in out["samples"]]
        fill_sp.append([band_power(f) for f in fill])
        true_sp.append(band_power(true))
        fill_ac.append(np.mean([autocorr(f) for f in fill], 0))
        true_ac.append(autocorr(true))
    fill_sp, true_sp = np.array(fill_sp), np.array(true_sp)      # (holes, n, bands), (holes, bands)
    by_sample = fill_sp.mean(0) / true_sp.mean(0)                  # (n, bands): each sample's pooled ratio
    se = by_sample.std(0, ddof=1) / np.sqrt(len(by_sample)) if len(by_sample) > 1 else np.full(by_sample.shape[1], np.nan)
    return (by_sample.mean(0), se, fill_sp.mean(1) / true_sp, np.mean(fill_ac, 0), np.mean(true_ac, 0))


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
        train.append(band_power(r[0, y:y + side, x:x + side]))
    train = np.mean(train, 0)
    im = heldout_canvases(model, 1)[0]
    held = np.mean([band_power(im[0][y:y + side, x:x + side]) for y, x in HOLES], 0)
    x = last_step(sample_progressive(model, n, seed=0, shape=(model.shape[0], side, side))).x
    std = float(np.ravel(model.data_std)[0])
    samples = np.mean([band_power(np.asarray(s[0], np.float64) * std) for s in np.asarray(x)], 0)
    return held / train, samples / train


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="assets/models")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--holes", type=int, default=24)
    ap.add_argument("--n", type=int, default=4)
    ap.add_argument("--parts", default="latency,context,texture", help="which tables, comma-separated")
    ap.add_argument("--grass", default=None, help="the grass model file (default MODELS/texture.h5)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    folder, parts = Path(args.models), args.parts.split(",")
    grass = load_model(args.grass or folder / "texture.h5")
    if "latency" in parts:
        lat = latency(grass, args.n)
        print(f"| latency, grass model, {args.threads} threads, n = {args.n} | best s | median s |\n|---|---|---|")
        for k, v in lat.items():
            if k != "window":
                print(f"| {k} | {v[0]:.3f} | {v[1]:.3f} |")
        y0, y1, x0, x1 = lat["window"]
        print(f"(window sampled: {y1 - y0}×{x1 - x0} of 512×512)\n")
    if "context" in parts:
        brick = load_model(folder / "brick.h5")
        print(f"| brick, {args.holes} held-out 32×32 holes | R² |\n|---|---|")
        for k, v in r_squared(brick, args.holes, args.n).items():
            print(f"| {k} | {v:.3f} |")
        rs = r_squared(brick, args.holes, args.n, resample=(10, 3))
        print(f"| posterior mean with RePaint resampling (jump 10, 3 passes) | {rs['posterior mean']:.3f} |\n")
    if "texture" not in parts:
        return
    sp, se, per_hole, ac, ac_true = texture_statistics(grass, args.n)
    print(f"| grass, {len(HOLES)} holes of 100×100 | band 1/32-1/16 | 1/16-1/8 | 1/8-1/4 | 1/4-1/2 |\n|---|---|---|---|---|")
    print("| fill power ÷ true power, pooled ± s.e. over samples | "
          + " | ".join(f"{v:.2f} ± {e:.2f}" for v, e in zip(sp, se)) + " |")
    print("| per hole, lowest-highest | " + " | ".join(f"{a:.2f}-{b:.2f}" for a, b in
                                                     zip(per_hole.min(0), per_hole.max(0))) + " |\n")
    print("| autocorrelation at lag | 1 | 2 | 4 | 8 |\n|---|---|---|---|---|")
    print("| true regions | " + " | ".join(f"{v:.3f}" for v in ac_true) + " |")
    print("| fills (mean over holes and samples) | " + " | ".join(f"{v:.3f}" for v in ac) + " |\n")
    sp, _, _, ac, _ = texture_statistics(grass, args.n, resample=(10, 3))
    print("| with RePaint resampling (jump 10, 3 passes) | fill ÷ true power, pooled | autocorrelation |\n|---|---|---|")
    print("| | " + " / ".join(f"{v:.2f}" for v in sp) + " | " + " / ".join(f"{v:.3f}" for v in ac) + " |\n")
    held, uncond = where_the_gap_is(grass, args.n)
    print("| power ÷ training-region crops (100×100) | 1/32-1/16 | 1/16-1/8 | 1/8-1/4 | 1/4-1/2 |\n|---|---|---|---|---|")
    print("| held-out block's true regions (the holes) | " + " | ".join(f"{v:.2f}" for v in held) + " |")
    print("| unconditional samples | " + " | ".join(f"{v:.2f}" for v in uncond) + " |")


if __name__ == "__main__":
    main()
