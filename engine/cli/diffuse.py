"""`diffuse`: the forward process on a data set, written to HDF5."""
from __future__ import annotations

import numpy as np

from engine import presets
from engine.cli.errors import UsageError, add_max_memory, announce, check_out, positive, within_budget
from engine.core.gaussian import GaussianDiffusion
from engine.core.sampling import forward_trajectory
from engine.core.schedules import Schedule
from engine.data.points import make_points
from engine.io.budget import check_disk, forward_cost
from engine.io.limits import T_MAX
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
    add_max_memory(d)
    d.set_defaults(run=cmd_diffuse)


def cmd_diffuse(args) -> int:
    check_out(args.out, args.data, args.model)
    for k in ("n", "T", "beta1"):
        positive(k, getattr(args, k))
    if not 2 <= args.T <= T_MAX:
        raise UsageError(f"--T must be between 2 and {T_MAX}, got {args.T}")
    model = load_model(args.model) if args.model else None
    if model is not None and tuple(model.shape) != (2,):
        raise UsageError(f"diffuse runs on 2-D points; {args.model} is a model of shape {tuple(model.shape)}")
    T = model.T if model is not None else args.T
    what = f"diffusing {args.n} points through {T} steps"
    check_disk(args.out, (T + 1) * args.n * 2 * 4, what)
    note = within_budget(args, forward_cost((2,), T, args.n), what, "cpu", "try a smaller --n or --T")
    raw = make_points(args.data, n=args.n, seed=args.seed, noise=args.noise).train
    if model is not None:
        diffusion, mean, std = model.diffusion, model.data_mean, model.data_std
    else:
        cfg = presets.model_defaults(args.data)
        diffusion = GaussianDiffusion(Schedule.create(args.schedule or cfg.schedule, args.T, args.beta1 or cfg.beta1))
        mean, std = raw.mean(0), raw.std(0)
    announce(note)
    x0 = ((raw - mean) / std).astype(np.float32)
    traj = forward_trajectory(diffusion, x0, seed=args.seed)
    save_trajectory(args.out, "forward", traj, mean, std)
    print(f"diffused {args.n} points through {diffusion.T} steps; wrote {args.out}")
    return 0
