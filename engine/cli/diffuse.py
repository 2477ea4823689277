"""`diffuse`: the forward process on a data set, written to HDF5."""
from __future__ import annotations

import numpy as np

from engine import presets
from engine.cli.errors import check_out, positive
from engine.core.gaussian import GaussianDiffusion
from engine.core.sampling import forward_trajectory
from engine.core.schedules import Schedule
from engine.data.points import make_points
from engine.io.storage import load_model, save_trajectory


def register(sub) -> None:
    d = sub.add_parser("diffuse", help="run the forward process on data")
    d.add_argument("--data", required=True)
    d.add_argument("--noise", type=float, default=0.05)
    d.add_argument("--n", type=int, default=10000)
    d.add_argument("--T", type=int, default=40)
    d.add_argument("--schedule", default=None)
    d.add_argument("--beta1", type=float, default=None)
    d.add_argument("--model", default=None, help="use this model's schedule and standardisation")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--out", required=True)
    d.set_defaults(run=cmd_diffuse)


def cmd_diffuse(args) -> int:
    check_out(args.out, args.data, args.model)
    for k in ("n", "T", "beta1"):
        positive(k, getattr(args, k))
    raw = make_points(args.data, n=args.n, seed=args.seed, noise=args.noise).train
    if args.model:
        model = load_model(args.model)
        diffusion, mean, std = model.diffusion, model.data_mean, model.data_std
    else:
        cfg = presets.model_defaults(args.data)
        diffusion = GaussianDiffusion(Schedule.create(args.schedule or cfg.schedule, args.T, args.beta1 or cfg.beta1))
        mean, std = raw.mean(0), raw.std(0)
    x0 = ((raw - mean) / std).astype(np.float32)
    traj = forward_trajectory(diffusion, x0, seed=args.seed)
    save_trajectory(args.out, "forward", traj, mean, std)
    print(f"diffused {args.n} points through {diffusion.T} steps; wrote {args.out}")
    return 0
