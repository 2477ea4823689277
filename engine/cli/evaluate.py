"""`eval`: the held-out bound over every t, in bits; AIS for vector models, the Parzen
window (the seed's MNIST table) for image models."""
from __future__ import annotations

import contextlib

from tqdm import tqdm

from engine.cli.errors import UsageError, add_max_memory, announce, positive, print_json, within_budget
from engine.core.sampling import batch_rows, sample_final
from engine.data.catalogue import heldout
from engine.devices import pick_device
from engine.estimators.ais import ais_log_likelihood
from engine.estimators.bound import evaluate_bound, image_bound
from engine.estimators.parzen import parzen_report
from engine.io.budget import ais_cost, bound_cost, parzen_cost
from engine.io.storage import load_model
from engine.model import model_kind

EVAL_N = {"points": 20000, "binary": 20000, "image": 500}


def register(sub) -> None:
    e = sub.add_parser("eval", help="held-out bound over all t, in bits")
    e.add_argument("--model", required=True)
    e.add_argument("--n", type=int, default=None, help="held-out points (default 20000; image models: 500 images)")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--device", default="auto")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.add_argument("--ais-k", type=int, default=100, help="AIS forward trajectories per point (0: skip AIS)")
    e.add_argument("--ais-points", type=int, default=1000, help="held-out points for the AIS estimate")
    e.add_argument("--parzen", action="store_true", help="also the Parzen-window estimate (the seed's MNIST table)")
    e.add_argument("--parzen-samples", type=int, default=2000, help="model samples for the Parzen window")
    add_max_memory(e)
    e.set_defaults(run=cmd_eval)


def cmd_eval(args) -> int:
    for k in ("n", "ais_points", "parzen_samples"):
        positive(k.replace("_", "-"), getattr(args, k))
    if args.ais_k < 0:
        raise UsageError(f"--ais-k must be 0 (no AIS) or more, got {args.ais_k}")
    device = pick_device(args.device)
    model = load_model(args.model)
    kind = model_kind(model.config)
    if args.parzen and kind != "image":
        raise UsageError("--parzen is for image models (the seed's table is on MNIST); use AIS for this model")
    if args.parzen and args.parzen_samples < 2:
        raise UsageError("--parzen-samples must be at least 2")
    note = _planned(args, model, kind, args.n or EVAL_N[kind], device)
    raw = heldout(model, args.n or EVAL_N[kind], args.seed)
    announce(note)
    with _bar("bound", "step") as progress:
        if kind == "image":
            rep = image_bound(model, raw, seed=args.seed, device=device, progress=progress)
        else:
            rep = evaluate_bound(model, model.standardise(raw), seed=args.seed, device=device, progress=progress)
    out = rep.as_json()
    if args.ais_k > 0 and kind != "image":
        with _bar("AIS", "point") as progress:
            ll, se, _ = ais_log_likelihood(model, model.standardise(raw[: args.ais_points]), args.ais_k,
                                           seed=args.seed, device=device, progress=progress)
        out.update(ais_log_likelihood_bits=ll, ais_stderr_bits=se, ais_points=min(args.ais_points, len(raw)),
                   ais_trajectories=args.ais_k)
    if args.parzen:
        with _bar("Parzen samples", "sample") as progress:
            out.update(parzen_images(model, raw, args.parzen_samples, args.seed, device, progress))
    if args.json:
        print_json(out)
    else:
        _print(rep, out, kind, len(raw), tuple(model.shape), args)
    return 0


def _planned(args, model, kind: str, n: int, device) -> str | None:
    """Refuse an evaluation over the memory budget before the held-out data are made."""
    net, shape, T = model.config.net, tuple(model.shape), model.T
    est = bound_cost(net, shape, T, n, batch_rows(shape, 256) if kind == "image" else 8192)
    parts = [f"the bound on {n} held-out examples"]
    if args.ais_k > 0 and kind != "image":
        est = est + ais_cost(net, shape, T, min(args.ais_points, n), args.ais_k)
        parts.append(f"AIS with {args.ais_k} trajectories per point")
    if args.parzen:
        est = est + parzen_cost(net, shape, T, args.parzen_samples, n)
        parts.append(f"a Parzen window on {args.parzen_samples} samples")
    return within_budget(args, est, " and ".join(parts), device, "try a smaller --n, --ais-k or --parzen-samples")


@contextlib.contextmanager
def _bar(desc: str, unit: str):
    """A progress bar on stderr, handed out as a progress(done, total) callback."""
    with tqdm(unit=unit, desc=desc, dynamic_ncols=True, leave=False) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)
        yield progress


def parzen_images(model, raw, n_samples: int, seed: int, device, progress=None) -> dict:
    """The seed's MNIST-table estimator on this model: Parzen window on model samples in
    the data's [0, 1] pixel units, bandwidth chosen on half of the held-out images."""
    samples = model.unstandardise(sample_final(model, n_samples, seed=seed, device=device, progress=progress))
    return parzen_report(samples.reshape(len(samples), -1), raw.reshape(len(raw), -1), seed=seed)


def _print(rep, out: dict, kind: str, n: int, shape: tuple, args) -> None:
    if kind == "image":
        e = rep.extra
        print(f"K = {rep.K_bits:.4f} ± {rep.K_stderr_bits:.4f} bits per pixel (unit-variance data); "
              f"L_null = {rep.L_null_bits:.4f}; K - L_null = {rep.K_minus_Lnull_bits:.4f}; "
              f"on [0,1] data K = {e['K_bits_unit01']:.4f}, NLL <= {e['nll_bits_per_dim']:.4f} bits/dim; "
              f"T = {rep.T}; {n} held-out images of shape {shape}")
    else:
        print(f"K = {rep.K_bits:.4f} ± {rep.K_stderr_bits:.4f} {rep.unit}; L_null = {rep.L_null_bits:.4f}; "
              f"K - L_null = {rep.K_minus_Lnull_bits:.4f}; T = {rep.T}; {n} held-out points")
    if "ais_log_likelihood_bits" in out:
        print(f"AIS log likelihood = {out['ais_log_likelihood_bits']:.4f} ± {out['ais_stderr_bits']:.4f} "
              f"{rep.unit} ({out['ais_points']} points × {args.ais_k} forward trajectories)")
    if "parzen_nats" in out:
        print(f"Parzen-window log likelihood = {out['parzen_nats']:.1f} ± {out['parzen_stderr_nats']:.1f} "
              f"nats per image (σ = {out['parzen_sigma']:.3f}, {out['parzen_samples']} samples, "
              f"pixels in [0, 1]); the seed's MNIST table, nats:")
        for row in out["parzen_table"]:
            print(f"  {row['model']:<36} {row['log_likelihood']:>5} ± {row['stderr']}")
