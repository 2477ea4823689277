"""The Swiss roll bar: run the real `train` command with default settings (timed as a
whole, on 2 CPU threads), then measure the held-out bound, and whether samples lie on the
roll and cover it. Optionally longer runs, to see how close training gets to the data's
true log likelihood.

    python bench/bench_swissroll.py [--scales 1 4] [--threads 2]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.data.points import make_points, swissroll_curve, swissroll_project  # noqa: E402


def true_log_likelihood_bits(noise=0.05, n=4000, seed=123, grid=200_000):
    """E[log2 p(x)] of the Swiss roll in the standardised space the models use.

    p(x) = ∫ N(x; c(u), noise²I) du, integrated on a fine grid of u (the roll is far thicker
    than the grid spacing), then shifted by the standardisation's log-Jacobian."""
    data = make_points("swissroll", 50_000, seed=0, noise=noise)
    std = data.train.std(0)
    x = make_points("swissroll", 10, seed=seed, n_heldout=n, noise=noise).heldout
    from scipy.spatial import cKDTree
    u = (np.arange(grid) + 0.5) / grid
    curve = swissroll_curve(u)
    tree = cKDTree(curve)
    logp = np.empty(len(x))
    for i, xi in enumerate(x):
        idx = tree.query_ball_point(xi, 8 * noise)
        d2 = ((curve[idx] - xi) ** 2).sum(1)
        logp[i] = math.log(np.exp(-0.5 * d2 / noise ** 2).sum() / grid) - math.log(2 * math.pi * noise ** 2)
    return (logp.mean() + np.log(std).sum()) / math.log(2)


def run(cmd, env):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    return r.stdout, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0], help="multiples of the default steps")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
    from engine.presets import train_defaults
    default_steps = train_defaults("swissroll").steps
    truth = true_log_likelihood_bits()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            model, traj = Path(tmp) / f"m{scale}.h5", Path(tmp) / f"s{scale}.h5"
            cmd = [sys.executable, "main.py", "train", "--data", "swissroll", "--noise", "0.05", "--T", "40",
                   "--seed", str(args.seed), "--device", "cpu", "--out", str(model)]
            if scale != 1.0:
                cmd += ["--steps", str(int(default_steps * scale))]
            _, wall = run(cmd, env)
            out, _ = run([sys.executable, "main.py", "eval", "--model", str(model), "--n", "20000", "--json"], env)
            rep = json.loads(out)
            run([sys.executable, "main.py", "sample", "--model", str(model), "--n", "10000", "--seed", "1",
                 "--out", str(traj)], env)
            import h5py
            with h5py.File(traj) as f:
                raw = f["reverse"][0] * f.attrs["data_std"] + f.attrs["data_mean"]
            real = make_points("swissroll", 10, seed=99, n_heldout=10_000, noise=0.05).heldout
            u_s, d_s = swissroll_project(raw)
            u_r, d_r = swissroll_project(real)
            from scipy.stats import kstest
            ks = kstest(u_s, "uniform").statistic
            rows.append((f"{int(default_steps * scale)} steps", f"{wall:.0f} s", f"{rep['K_bits']:.3f} ± {rep['K_stderr_bits']:.3f}",
                         f"{rep['K_minus_Lnull_bits']:.3f}", f"{d_s.mean() / d_r.mean():.2f}", f"{ks:.3f}"))
    print(f"\nSwiss roll, noise 0.05, T = 40, {args.threads} CPU threads. True log likelihood ≈ {truth:.2f} bits/point "
          f"(paper, thinner roll: K = 2.35).")
    head = ("training", "train cmd", "held-out K (bits/pt)", "K − L_null", "dist ratio", "KS(u)")
    print(" | ".join(head))
    print(" | ".join("-" * len(h) for h in head))
    for r in rows:
        print(" | ".join(v.ljust(len(h)) for v, h in zip(r, head)))
    print("dist ratio: mean distance of samples to the noiseless curve over that of real data (bar ≤ 2);"
          " KS(u): Kolmogorov–Smirnov statistic of the samples' position along the curve against uniform (bar < 0.05)")


if __name__ == "__main__":
    main()
