"""Which β schedule? Train the default Swiss roll model under each fixed schedule and the
learned one (same data, seed and steps) and print the held-out bound with its per-step KL.
This is the measurement the default schedule was chosen from.

    python bench/bench_schedules.py [--steps 6000] [--threads 2] [--kinds snr learned linear cosine paper paper-1e-4 paper-param]
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import presets  # noqa: E402
from engine.data.points import make_points  # noqa: E402
from engine.estimators.bound import evaluate_bound  # noqa: E402
from engine.model import DiffusionModel  # noqa: E402
from engine.training import train  # noqa: E402


def run(kind: str, steps: int, seed: int, data):
    cfg = presets.model_defaults("swissroll")
    if kind == "learned":
        cfg = replace(cfg, trainable_schedule=True)
    elif kind == "paper-1e-4":
        cfg = replace(cfg, schedule="paper", beta1=1e-4)
    elif kind == "paper-param":     # the default schedule, the paper's μ/Σ parameterisation
        cfg = replace(cfg, parameterisation="paper")
    else:
        cfg = replace(cfg, schedule=kind)
    model = DiffusionModel(cfg, data.train.mean(0), data.train.std(0))
    tcfg = replace(presets.train_defaults("swissroll"), steps=steps, seed=seed, device="cpu", eval_every=10 ** 9)
    t0 = time.perf_counter()
    for _ in train(model, model.standardise(data.train), model.standardise(data.heldout), tcfg):
        pass
    rep = evaluate_bound(model, model.standardise(data.heldout[:10000]), seed=1)
    return rep, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kinds", nargs="+", default=["snr", "learned", "linear", "cosine", "paper", "paper-1e-4", "paper-param"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    data = make_points("swissroll", 50_000, seed=0, noise=0.05)
    print(f"Swiss roll (noise 0.05), T = 40, default network, {args.steps} steps, seed {args.seed}, "
          f"{args.threads} threads. β₁ = {presets.POINTS_MODEL.beta1:g} unless named.")
    print("schedule    | held-out K (bits/pt) | time  | per-step KL (bits), t = 1..40, every 3rd step")
    print("------------|----------------------|-------|------------------------------------------------")
    for kind in args.kinds:
        rep, secs = run(kind, args.steps, args.seed, data)
        kl = " ".join(f"{v:.2f}" for v in rep.per_step_kl_bits[::3])
        print(f"{kind:<11} | {rep.K_bits:7.3f} ± {rep.K_stderr_bits:.3f}      | {secs:4.0f} s | {kl}", flush=True)


if __name__ == "__main__":
    main()
