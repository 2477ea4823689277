"""The heartbeat (binomial diffusion): how good can a reverse model of this form be at each
T, and what does the default `train --data heartbeat` reach in how long.

The oracle is the exact posterior mean E[x_0 | x_t] under the true data distribution (five
phases), so its bound is the best any f_b network can reach at that T; the paper (T = 2000)
reports K = -2.414 bits/seq against the true log2(1/5) = -2.322.

    python bench/bench_binary.py [--threads 1] [--train]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.data.binary import HeartbeatOracle, heartbeat  # noqa: E402
from engine.estimators.bound import evaluate_bound  # noqa: E402
from engine.model import DiffusionModel, ModelConfig  # noqa: E402


def oracle_bound(T: int, n: int = 4000) -> tuple[float, float]:
    m = DiffusionModel(ModelConfig(family="binomial", data="heartbeat", shape=(20,), T=T,
                                   net={"kind": "mlp", "hidden": 8, "layers": 1, "J": 4, "time_input": True}), 0, 1)
    m.net = HeartbeatOracle(m.diffusion)
    rep = evaluate_bound(m, heartbeat(n, np.random.default_rng(1)).astype(np.float32), seed=0)
    return rep.K_bits, rep.K_stderr_bits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train", action="store_true", help="also time the default train command")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"\nheartbeat bench · torch {torch.__version__} · {args.threads} CPU thread(s)")
    print(f"{'T':>5} | {'oracle K (bits/seq)':>20}")
    print("------|---------------------")
    for T in (20, 50, 100, 200, 400):
        k, se = oracle_bound(T)
        print(f"{T:>5} | {k:>12.3f} ± {se:.3f}")
    print("paper (T = 2000): -2.414; true log2(1/5) = -2.322")
    if args.train:
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "hb.h5"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "main.py"), "train", "--data", "heartbeat", "--out", str(out)],
                           check=True, capture_output=True, env={**os.environ, "OMP_NUM_THREADS": str(args.threads)})
            wall = time.perf_counter() - t0
            r = subprocess.run([sys.executable, str(ROOT / "main.py"), "eval", "--model", str(out), "--n", "4000",
                                "--ais-k", "0", "--json"], check=True, capture_output=True, text=True)
            rep = json.loads(r.stdout)
        print(f"\ndefault `train --data heartbeat`: {wall:.0f} s wall (whole command), "
              f"held-out K = {rep['K_bits']:.3f} ± {rep['K_stderr_bits']:.3f} bits/seq, T = {rep['T']}")


if __name__ == "__main__":
    main()
