"""`train`: a model on a named data set or a user file, with a tqdm bar, saved to HDF5.
Follows engine.training's recipe, as the GUI's worker does. Under torchrun every process
runs this command (engine.runtime.distributed); rank 0 shows the bar and writes the file."""
from __future__ import annotations

import sys
import time
from dataclasses import replace


from engine import presets
from engine.cli.errors import UsageError, add_max_memory, announce, check_out, positive, within_budget
from engine.data.catalogue import N_IMAGES_MAX, build, is_image_data, kind_of
from engine.data.images import CROP_PIXELS, image_args
from engine.data.errors import DataError
from engine.devices import pick_device
from engine.io.budget import train_cost
from engine.io.limits import T_MAX
from engine.estimators.bound import evaluate_bound, image_bound
from engine.io.storage import StorageError, load_model, save_model
from engine.model import model_kind
from engine.runtime import distributed
from engine.training import TrainConfig, check_same_data, continue_model, new_model, train

EVAL_IMAGES = 500      # held-out images for the closing bound (every t for every image)


def register(sub) -> None:
    t = sub.add_parser("train", help="train a model and save it to HDF5")
    t.add_argument("--data", default=None, help="swissroll|moons|eightgaussians|checkerboard|circles|FILE.csv|"
                   "FILE.npy; binary: heartbeat|bindigits; images: digits|deadleaves|texture|brick|patches|folder:PATH "
                   "(with --resume: the model's own set by default)")
    t.add_argument("--noise", type=float, default=0.05, help="noise std of built-in 2-D sets, raw units")
    t.add_argument("--n", type=int, default=50000, help="training points to generate (images: crops, at most 20000)")
    t.add_argument("--size", type=int, default=None, help="image sets: training crop side in pixels, a multiple of 4 (default: the set's own, e.g. 32)")
    t.add_argument("--T", type=int, default=None, help="diffusion steps (default: the data kind's, e.g. 40 for 2-D points)")
    t.add_argument("--schedule", default=None, help="snr|linear|cosine|paper")
    t.add_argument("--beta1", type=float, default=None, help="the first step's β (kept fixed)")
    t.add_argument("--snr-end", type=float, default=None, help="snr schedule: the SNR left at t = T (default: the data kind's)")
    t.add_argument("--learn-beta", action="store_true", help="learn β_2..β_T by gradient on the bound")
    t.add_argument("--param", default=None, help="eps|paper: how the network's outputs give μ and Σ")
    t.add_argument("--steps", type=int, default=None)
    t.add_argument("--batch", type=int, default=None)
    t.add_argument("--lr", type=float, default=None)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", default="auto")
    t.add_argument("--compile", action="store_true", help="torch.compile the network for training (slow to start)")
    t.add_argument("--resume", default=None, metavar="MODEL.h5", help="continue training this model")
    t.add_argument("--out", required=True)
    add_max_memory(t)
    t.set_defaults(run=cmd_train)


def model_overrides(cfg, args):
    """The preset ModelConfig with --T, --schedule, --beta1, --snr-end, --param and --learn-beta applied."""
    cfg = replace(cfg, **{k: v for k, v in (("T", args.T), ("schedule", args.schedule), ("beta1", args.beta1),
                                            ("snr_end", args.snr_end), ("parameterisation", args.param))
                          if v is not None})
    return replace(cfg, trainable_schedule=True) if args.learn_beta else cfg


def train_config(data: str, args, device) -> TrainConfig:
    """The data set's preset TrainConfig with --steps, --batch, --lr and --seed applied."""
    return replace(presets.train_defaults(data), seed=args.seed, device=device.type, compile=args.compile,
                   **{k: v for k, v in (("steps", args.steps), ("batch", args.batch), ("lr", args.lr)) if v is not None})


def train_with_bar(prep, tcfg: TrainConfig) -> None:
    """Train a prepared model, showing steps, loss and the latest held-out bound (on rank 0;
    the other ranks of a torchrun job train silently)."""
    from tqdm import tqdm

    model = prep.model
    bar = tqdm(total=tcfg.steps, unit="step", dynamic_ncols=True, desc=f"train {model.config.data}",
               disable=not distributed.is_main())
    last, bound = model.step, None
    try:
        for p in train(model, prep.x_train, prep.x_held, tcfg):
            bar.update(p.step - last)
            last = p.step
            bound = p.bound_bits if p.bound_bits is not None else bound
            bar.set_postfix(loss=f"{p.loss:.3f}", K=f"{bound:.3f}" if bound is not None else "…", refresh=False)
    finally:
        bar.close()     # so an error message starts on a line of its own


# Errors every rank meets alike (bad arguments, data or files): rank 0 reports them the
# usual way (one line, exit 2) and the other ranks leave without repeating them.
INPUT_ERRORS = (UsageError, StorageError, DataError, ValueError, FileNotFoundError)
PEER_GRACE_S = 3.0    # a failed rank's wait before it reports (see _failed)


def cmd_train(args) -> int:
    if not distributed.requested():
        return _train(args, None)
    run = distributed.launch()
    try:
        return _train(args, run)
    except INPUT_ERRORS:
        if run.rank == 0:
            raise
        return 2


def _train(args, run) -> int:
    check_out(args.out, args.data)     # --resume M --out M is allowed: saves are atomic
    for k in ("n", "T", "steps", "batch", "lr", "beta1", "snr_end", "size"):
        positive(k.replace("_", "-"), getattr(args, k, None))
    device = pick_device(args.device)
    if run is None:
        return _train_on(args, device)
    try:
        with distributed.session(device) as local:
            try:
                return _train_on(args, local)
            except INPUT_ERRORS:
                raise
            except Exception as e:
                return _failed(e, run)
    except INPUT_ERRORS:
        raise
    except Exception as e:              # joining or leaving the group failed
        return _failed(e, run)


def _failed(e: Exception, run) -> int:
    """One line for a rank's failure; torchrun's agent then ends the other ranks."""
    if isinstance(e, FloatingPointError):   # the averaged loss diverged on every rank at once
        if run.rank == 0:
            print(f"error: {e}", file=sys.stderr)
        return 1
    # Wait before speaking: when one rank fails, its peers fail too as soon as it leaves
    # (their collectives break), and torchrun ends them within its monitor interval. Each
    # waits the same grace, so the first to fail speaks first and the rest are ended unheard.
    time.sleep(PEER_GRACE_S)
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    lead = "\n" if run.rank else ""    # rank 0's progress bar may hold the current line
    print(f"{lead}error: rank {run.rank} of {run.world} failed: {msg}", file=sys.stderr)
    return 1


def _planned(args, cfg, name: str, device, model=None) -> str | None:
    """Refuse a run over the memory budget before its data are built (one line); say when
    it will be long. Shapes not known yet (a folder's channels) are taken at their largest."""
    if not 2 <= cfg.T <= T_MAX:
        raise UsageError(f"--T must be between 2 and {T_MAX}, got {cfg.T}")
    tcfg = train_config(name, args, device)
    kind, rows = kind_of(name), int(args.n)
    if model is not None:
        shape = tuple(model.shape)
    elif kind == "image":
        size = int(args.size or image_args(name).get("size", 32))
        shape = (3, size, size)
    else:
        shape = (64,) if kind == "binary" else (2,)
    if kind == "image":
        rows = min(rows, N_IMAGES_MAX, CROP_PIXELS // max(shape[-1] * shape[-2], 1)) * 10 // 9 + 1
    elif name.startswith("file:") or name.endswith((".csv", ".npy", ".txt")):
        rows = 0            # a file's size is bounded by its loader (engine/data/points.py)
    else:
        rows += max(rows // 5, 2000)        # the held-out draw
    est = train_cost(cfg.net, shape, cfg.T, rows, tcfg.steps, tcfg.batch, tcfg.eval_points, tcfg.eval_every)
    return within_budget(args, est, f"training {tcfg.steps} steps of batch {tcfg.batch} on {name}", device,
                         "try a smaller --n or --batch")


def _train_on(args, device) -> int:
    if args.resume:
        model = load_model(args.resume)
        name = check_same_data(model, args.data)
        note = _planned(args, model.config, name, device, model)
        data = build(name, args.n, args.seed + model.step, {**model.config.data_args, **_given(_data_args(args), name)})
        prep = continue_model(model, data, args.seed + model.step)
    else:
        if args.data is None:
            raise UsageError("--data is required (or --resume MODEL.h5)")
        note = _planned(args, model_overrides(presets.model_defaults(args.data), args), args.data, device)
        data = build(args.data, args.n, args.seed, _given(_data_args(args), args.data))
        cfg = presets.model_defaults(data.name)
        prep = new_model(model_overrides(cfg, args), data, args.seed)
        model = prep.model
    held_raw = data.heldout[:EVAL_IMAGES]
    del data            # the raw training set (GBs for 20000 large crops) is not needed while training
    announce(note if distributed.is_main() else None)
    train_with_bar(prep, train_config(model.config.data, args, device))
    distributed.debug_dump_weights(model)
    if not distributed.is_main():
        return 0
    save_model(model, args.out)
    if model_kind(model.config) == "image":
        rep = image_bound(model, held_raw, seed=args.seed + 1, device=device)
        what = f"{len(held_raw)} images"
    else:
        rep = evaluate_bound(model, prep.x_held, seed=args.seed + 1, device=device)
        what = f"{len(prep.x_held)} points"
    procs = f" × {distributed.world()} processes" if distributed.world() > 1 else ""
    print(f"held-out bound K = {rep.K_bits:.3f} ± {rep.K_stderr_bits:.3f} {rep.unit} "
          f"(K - L_null = {rep.K_minus_Lnull_bits:.3f}) on {what}; "
          f"{model.step} steps in {model.history['elapsed'][-1]:.1f} s on {device.type}{procs}; saved {args.out}")
    return 0


def _data_args(args) -> dict:
    return {"noise": args.noise, "size": args.size}


def _given(data_args: dict, name: str) -> dict:
    """Only the data options that apply to this kind of set (--noise for 2-D, --size for images)."""
    keep = ("size",) if is_image_data(name) else ("noise",)
    return {k: v for k, v in data_args.items() if k in keep and v is not None}
