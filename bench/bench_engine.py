"""Engine figures for the README: training steps/s, time to sample 10k points through
all T steps, and the engine's overhead against a bare torch loop of the same network.

    python bench/bench_engine.py [--threads 2] [--model assets/models/swissroll.h5]

Timings on shared machines are noisy: read the ratios, which are measured in one run."""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import presets  # noqa: E402
from engine.data.points import make_points  # noqa: E402
from engine.model import DiffusionModel  # noqa: E402
from engine.core.sampling import sample_progressive  # noqa: E402
from engine.io.storage import load_model  # noqa: E402
from engine.training import TrainConfig, bound_loss, train  # noqa: E402


def best_of(fn, repeats=7):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def bare_sample(model, n, seed=0):
    """The same reverse process, written as the shortest possible torch loop."""
    net, c = model.net, model.diffusion.coefs("cpu", torch.float32)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, *model.shape, generator=g)
    with torch.inference_mode():
        for t in range(model.T, 1, -1):
            eps, zs = net(x, torch.full((n,), t))
            ab, b, pv = c["alpha_bar"][t], c["beta"][t], c["post_var"][t]
            x0 = (x - (1 - ab).sqrt() * eps) / ab.sqrt()
            mean = c["c0"][t] * x0 + c["ct"][t] * x
            var = torch.exp(0.5 * (zs + 1) * b.log() + 0.5 * (1 - zs) * pv.log())
            x = mean + var.sqrt() * torch.randn(x.shape, generator=g)
        b1 = c["beta"][1]
        return (1 - b1).sqrt() * x + b1.sqrt() * torch.randn(x.shape, generator=g)


def engine_sample(model, n, seed=0):
    for _ in sample_progressive(model, n, seed=seed, device="cpu"):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model", default=str(presets.ASSETS / "swissroll.h5"))
    ap.add_argument("--train-steps", type=int, default=1500)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    if Path(args.model).is_file():
        model = load_model(args.model)
    else:
        d = make_points("swissroll", 1000)
        model = DiffusionModel(presets.model_defaults("swissroll"), d.train.mean(0), d.train.std(0))
    model.net.eval()
    rows = []

    n = 10_000
    engine_sample(model, n)  # warm up
    e_min, e_med = best_of(lambda: engine_sample(model, n))
    b_min, b_med = best_of(lambda: bare_sample(model, n))
    rows.append((f"sample {n:,} points × T={model.T} (engine)", f"{e_min * 1e3:.1f} ms", f"median {e_med * 1e3:.1f} ms"))
    rows.append((f"sample {n:,} points × T={model.T} (bare torch loop)", f"{b_min * 1e3:.1f} ms", f"median {b_med * 1e3:.1f} ms"))
    rows.append(("sampling overhead, engine / bare", f"{e_min / b_min:.2f}×", ""))

    data = make_points("swissroll", 50_000, seed=0)
    fresh = DiffusionModel(presets.model_defaults("swissroll"), data.train.mean(0), data.train.std(0))
    tcfg = presets.train_defaults("swissroll")
    cfg = TrainConfig(steps=args.train_steps, batch=tcfg.batch, lr=tcfg.lr, eval_every=10 ** 9, device="cpu")
    xs, xh = fresh.standardise(data.train), fresh.standardise(data.heldout[:500])
    t0 = time.perf_counter()
    for _ in train(fresh, xs, xh, cfg):
        pass
    eng = args.train_steps / (time.perf_counter() - t0)

    # Bare loop: the same loss function and optimiser, no generator, progress or schedule.
    X = torch.as_tensor(xs, dtype=torch.float64)
    opt = torch.optim.Adam(fresh.parameters(), lr=1e-4)
    gen = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    for _ in range(args.train_steps):
        loss = bound_loss(fresh, X[torch.randint(len(X), (cfg.batch,), generator=gen)], gen)
        opt.zero_grad()
        loss.backward()
        opt.step()
    bare = args.train_steps / (time.perf_counter() - t0)
    rows.append((f"train steps/s (batch {cfg.batch}, engine generator)", f"{eng:.0f}", ""))
    rows.append(("train steps/s (bare loop, same loss)", f"{bare:.0f}", ""))
    rows.append(("training overhead, bare / engine", f"{bare / eng:.2f}×", ""))

    print(f"\nDiffusion Explorer engine bench · torch {torch.__version__} · {args.threads} CPU threads · "
          f"model {Path(args.model).name if Path(args.model).is_file() else 'untrained default'}")
    w = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(w)} | value      | note")
    print(f"{'-' * w}-|------------|------------")
    for name, value, note in rows:
        print(f"{name.ljust(w)} | {value.ljust(10)} | {note}")


if __name__ == "__main__":
    main()
