"""`sample`: whole reverse trajectories of a model, written to HDF5 as they are produced,
a batch of samples at a time (chunked by step and batch), so neither n × T × H × W nor the
network's activations for all n have to fit in memory."""
from __future__ import annotations

import math
import time

from tqdm import tqdm

from engine.cli.errors import UsageError, add_max_memory, announce, check_out, positive, within_budget
from engine.core.sampling import batch_rows, batch_seed, sample_progressive
from engine.devices import pick_device
from engine.io.budget import check_disk, sample_cost
from engine.io.storage import load_model, trajectory_writer
from engine.model import model_kind

SAMPLE_N = {"points": 10000, "binary": 10000, "image": 16}
BATCH = 100_000     # samples per batch at most (images: fewer, see batch_rows)
MAX_SIDE = 1024


def register(sub) -> None:
    s = sub.add_parser("sample", help="sample whole reverse trajectories")
    s.add_argument("--model", required=True)
    s.add_argument("--n", type=int, default=None, help="trajectories (default 10000; image models: 16)")
    s.add_argument("--size", type=int, nargs=2, default=None, metavar=("H", "W"),
                   help="image models: sample at this size (default: the training crop size)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--device", default="auto")
    s.add_argument("--out", required=True)
    add_max_memory(s)
    s.set_defaults(run=cmd_sample)


def cmd_sample(args) -> int:
    check_out(args.out, args.model)
    positive("n", args.n)
    device = pick_device(args.device)
    model = load_model(args.model)
    kind = model_kind(model.config)
    shape = tuple(model.shape)
    if args.size is not None:
        if kind != "image":
            raise UsageError("--size is for image models")
        h, w = args.size
        if not (2 <= h <= MAX_SIDE and 2 <= w <= MAX_SIDE):
            raise UsageError(f"--size must be between 2 and {MAX_SIDE} pixels per side, got {h} {w}")
        shape = (shape[0], h, w)
    n = args.n or SAMPLE_N[kind]
    rows = batch_rows(shape, BATCH)
    what = f"sampling {n} trajectories of shape {shape} through {model.T} steps"
    check_disk(args.out, (model.T + 1) * n * math.prod(shape) * 4, what)
    announce(within_budget(args, sample_cost(model.config.net, shape, model.T, n, rows=rows), what, device,
                           "try a smaller --n or --size"))
    t0 = time.perf_counter()
    with trajectory_writer(args.out, "reverse", (model.T + 1, n, *shape), model.data_mean, model.data_std,
                           rows=rows) as put:
        with tqdm(total=-(-n // rows) * (model.T + 1), unit="step", desc="sample", dynamic_ncols=True,
                  leave=False) as bar:
            for i, start in enumerate(range(0, n, rows)):   # each batch a whole run, into its rows of every step
                for step in sample_progressive(model, min(rows, n - start), seed=batch_seed(args.seed, i),
                                               device=device, shape=shape):
                    put(step.t, step.x, start)
                    bar.update()
    batches = f" in batches of {rows}" if rows < n else ""
    print(f"sampled {n} of shape {shape} through {model.T} steps{batches} in {time.perf_counter() - t0:.2f} s; "
          f"wrote {args.out}")
    return 0
