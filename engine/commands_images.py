"""CLI commands and helpers for image models: training and evaluating on image sets (the
bound in bits per pixel, dequantised as the paper does), and `inpaint` / `denoise` on
user images of any size (cut into model-sized tiles with reflected borders)."""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import presets
from .cli import UsageError, _check_out, print_json
from .commands_training import model_overrides, train_config, train_with_bar
from .devices import pick_device
from .images import channel_stats, dequantise, make_images, read_image, read_mask, write_png
from .inpaint import denoise, inpaint
from .likelihood import evaluate_bound
from .model import DiffusionModel
from .storage import atomic_h5, load_model, save_model

N_MAX = 20000           # training patches generated at most (memory; more rarely helps here)
EVAL_N = 500            # default held-out images for `eval` (every t for every image)
SAMPLE_N = 16           # default images for `sample`
POSTERIOR_KIND = "diffusion-explorer/posterior"


def is_image_model(model) -> bool:
    return len(model.shape) == 3


# ---- data and the bound ------------------------------------------------------------------
def image_data_for(name: str, n: int, seed: int, data_args: dict | None = None, n_heldout: int | None = None):
    args = {k: v for k, v in (data_args or {}).items() if k != "levels"}
    return make_images(name, n=min(int(n), N_MAX), seed=seed, n_heldout=n_heldout, **args)


def heldout_images(model, n: int, seed: int) -> np.ndarray:
    """Quantised held-out images the training never saw: the stored split for a folder,
    a fresh stream (or the fixed split) for built-in sets."""
    if model.heldout is not None:
        return model.heldout[:n]
    return image_data_for(model.config.data, 16, 10_000 + seed, model.config.data_args, n_heldout=n).heldout[:n]


def image_bound(model, raw: np.ndarray, seed: int = 0, device="cpu"):
    """The bound on dequantised images, per pixel (per dimension, ÷ C·H·W), in bits.

    K_bits / L_null_bits: density of the data standardised to unit variance per channel,
      the units of the paper's dead leaves (1.489) and bark (-0.55) rows, where L_null,
      a unit Gaussian, is -½log2(2πe) = -2.047 bits per pixel.
    K_bits_unit01: the density of the [0, 1]-scaled data, K plus the standardisation's
      log-Jacobian -mean(log2 std).
    nll_bits_per_dim: log2(levels) - K_bits_unit01, an upper bound on the discrete data's
      negative log likelihood (the unit of the paper's CIFAR-10 figure, 5.4).
    """
    levels = int(model.config.data_args.get("levels", 256))
    x = dequantise(raw, levels, np.random.default_rng(seed))
    d = int(np.prod(model.shape))
    rep = evaluate_bound(model, model.standardise(x), seed=seed, device=device, per=d, batch=256)
    log_jac = -float(np.mean(np.broadcast_to(np.log2(model.data_std), (model.shape[0], 1, 1))))
    rep.unit = "bits per pixel"
    rep.extra.update(shape=list(model.shape), levels=levels, log_jacobian_bits=log_jac,
                     K_bits_unit01=rep.K_bits + log_jac, L_null_bits_unit01=rep.L_null_bits + log_jac,
                     nll_bits_per_dim=math.log2(levels) - (rep.K_bits + log_jac),
                     units="per pixel; K_bits on unit-variance standardised data (paper's table), "
                           "K_bits_unit01 on [0,1] data, nll_bits_per_dim discrete upper bound")
    return rep


def train_images(args, device) -> int:
    """`train --data digits|deadleaves|texture|patches|folder:PATH` (or --resume)."""
    size = getattr(args, "size", None)
    if args.resume:
        model = load_model(args.resume)
        if not is_image_model(model):
            raise UsageError(f"{Path(args.resume).name} is not an image model")
        name = model.config.data
        if args.data is not None and args.data != name and not name.startswith("folder:"):
            raise UsageError(f"the model was trained on {name}, not {args.data}")
        data = image_data_for(args.data or name, args.n, args.seed, model.config.data_args)
    else:
        data = image_data_for(args.data, args.n, args.seed, {"size": size})
    x_train = dequantise(data.train, data.args["levels"], np.random.default_rng(args.seed))
    if not args.resume:
        cfg = replace(presets.model_defaults(args.data), data=data.name, data_args=data.args, shape=data.shape)
        model = DiffusionModel(model_overrides(cfg, args), *channel_stats(x_train))
        if data.name.startswith("folder:"):
            model.heldout = data.heldout
    if tuple(data.shape) != tuple(model.shape):
        raise UsageError(f"data shape {data.shape} differs from the model's {model.shape}")
    x_held = dequantise(data.heldout, data.args["levels"], np.random.default_rng(args.seed + 1))
    train_with_bar(model, model.standardise(x_train), model.standardise(x_held), train_config(model, args, device))
    save_model(model, args.out)
    rep = image_bound(model, data.heldout[:EVAL_N], seed=args.seed + 1, device=device)
    print(f"held-out bound K = {rep.K_bits:.3f} ± {rep.K_stderr_bits:.3f} bits per pixel "
          f"(K - L_null = {rep.K_minus_Lnull_bits:.3f}; {rep.extra['nll_bits_per_dim']:.3f} bits/dim NLL bound "
          f"on [0,1] data) on {min(len(data.heldout), EVAL_N)} images; {model.step} steps in "
          f"{model.history['elapsed'][-1]:.1f} s on {device.type}; saved {args.out}")
    return 0


def eval_images(args, model, device) -> int:
    raw = heldout_images(model, args.n or EVAL_N, args.seed)
    rep = image_bound(model, raw, seed=args.seed, device=device)
    parzen = parzen_images(model, raw, args.parzen_samples, args.seed, device) if args.parzen else {}
    if args.json:
        print_json({**rep.as_json(), **parzen})
    else:
        e = rep.extra
        print(f"K = {rep.K_bits:.4f} ± {rep.K_stderr_bits:.4f} bits per pixel (unit-variance data); "
              f"L_null = {rep.L_null_bits:.4f}; K - L_null = {rep.K_minus_Lnull_bits:.4f}; "
              f"on [0,1] data K = {e['K_bits_unit01']:.4f}, NLL <= {e['nll_bits_per_dim']:.4f} bits/dim; "
              f"T = {rep.T}; {len(raw)} held-out images of shape {tuple(model.shape)}")
        if parzen:
            print(f"Parzen-window log likelihood = {parzen['parzen_nats']:.1f} ± {parzen['parzen_stderr_nats']:.1f} "
                  f"nats per image (σ = {parzen['parzen_sigma']:.3f}, {parzen['parzen_samples']} samples, "
                  f"pixels in [0, 1]); the seed's MNIST table, nats:")
            for row in parzen["parzen_table"]:
                print(f"  {row['model']:<36} {row['log_likelihood']:>5} ± {row['stderr']}")
    return 0


def parzen_images(model, raw: np.ndarray, n_samples: int, seed: int, device) -> dict:
    """The seed's MNIST-table estimator on this model: Parzen window on model samples in
    the data's [0, 1] pixel units, bandwidth chosen on half of the held-out images."""
    from .parzen import parzen_report
    from .sampling import sample_final
    if n_samples < 2:
        raise UsageError("--parzen-samples must be at least 2")
    samples = model.unstandardise(sample_final(model, n_samples, seed=seed, device=device))
    return parzen_report(samples.reshape(len(samples), -1), raw.reshape(len(raw), -1), seed=seed)


# ---- tiling ------------------------------------------------------------------------------
def tile(image: np.ndarray, h: int, w: int) -> tuple[np.ndarray, tuple]:
    """(C, H, W) -> (K, C, h, w) tiles, the border padded by reflection up to whole tiles
    (bottom and right), so any image size works with a model of fixed size."""
    C, H, W = image.shape
    ph, pw = (-H) % h, (-W) % w
    padded = np.pad(image, ((0, 0), (0, ph), (0, pw)), mode="reflect" if min(H, W) > 1 else "edge")
    rows, cols = padded.shape[1] // h, padded.shape[2] // w
    tiles = padded.reshape(C, rows, h, cols, w).transpose(1, 3, 0, 2, 4).reshape(rows * cols, C, h, w)
    return tiles, (H, W, rows, cols)


def untile(tiles: np.ndarray, layout: tuple) -> np.ndarray:
    """(K, ..., C, h, w) -> (..., C, H, W): stitch tiles back and crop the padding."""
    H, W, rows, cols = layout
    K, *mid, C, h, w = tiles.shape
    m = len(mid)
    x = tiles.reshape(rows, cols, *mid, C, h, w).transpose(*range(2, 2 + m), 2 + m, 0, 3 + m, 1, 4 + m)
    return x.reshape(*mid, C, rows * h, cols * w)[..., :H, :W]


def _tiled(fn, model, arrays: list[np.ndarray], chunk: int = 64) -> dict:
    """Run fn(model, *tile batches) over model-sized tiles of each (C, H, W) array, in
    chunks of tiles, and stitch every (K, ...) result back to full size."""
    C, h, w = model.shape
    tiled = [tile(a, h, w) for a in arrays]
    layout, K = tiled[0][1], len(tiled[0][0])
    parts: dict[str, list] = {}
    for s in range(0, K, chunk):
        out = fn(model, *(t[0][s:s + chunk] for t in tiled))
        for k, v in out.items():
            parts.setdefault(k, []).append(v)
    return {k: untile(np.concatenate(v), layout) for k, v in parts.items()}


# ---- commands ----------------------------------------------------------------------------
def _load_inputs(args):
    _check_out(args.out)
    for k in ("n", "stride"):
        if getattr(args, k) is not None and getattr(args, k) < 1:
            raise UsageError(f"--{k} must be at least 1, got {getattr(args, k)}")
    if args.png and not Path(args.png).is_dir():
        raise UsageError(f"--png folder does not exist: {args.png}")
    model = load_model(args.model)
    if not is_image_model(model):
        raise UsageError(f"{Path(args.model).name} is not an image model (shape {tuple(model.shape)})")
    image = read_image(args.image, channels=model.shape[0])
    return model, image, pick_device(args.device)


def _write(args, kind: str, image: np.ndarray, out: dict, **attrs) -> None:
    with atomic_h5(args.out) as f:
        f.attrs["kind"] = POSTERIOR_KIND
        f.attrs["task"] = kind
        f.attrs["model"] = str(Path(args.model).name)
        for k, v in attrs.items():
            f.attrs[k] = v
        f.create_dataset("observed", data=image.astype(np.float32))
        for k, v in out.items():
            f.create_dataset(k, data=np.asarray(v, dtype=np.float32 if v.dtype != bool else bool),
                             compression="gzip", compression_opts=1)
    if args.png:
        def png(name, x):
            write_png(Path(args.png) / f"{name}.png", x)

        for i, s in enumerate(out["samples"]):
            png(f"sample_{i:02d}", s)
        png("mean", out["mean"])
        png("std", out["std"] / max(float(out["std"].max()), 1e-12))   # scaled to the largest std
        png("observed", image)
        if "noisy" in out:
            png("noisy", np.clip(out["noisy"], 0, 1))


def cmd_inpaint(args) -> int:
    model, image, device = _load_inputs(args)
    missing = read_mask(args.mask)
    if missing.shape != image.shape[1:]:
        raise UsageError(f"mask is {missing.shape[1]}×{missing.shape[0]} pixels but the image is "
                         f"{image.shape[2]}×{image.shape[1]}")
    mask3 = np.broadcast_to(missing, image.shape).astype(np.float64)

    def run(m, tiles, masks):   # inpaint() writes the observation itself into the known pixels
        return inpaint(m, tiles, masks > 0.5, n=args.n, seed=args.seed, stride=args.stride, device=device)

    out = _tiled(run, model, [image, mask3])
    out["mask"] = missing
    _write(args, "inpaint", image, out, stride=args.stride, seed=args.seed)
    print(f"inpainted {int(missing.sum())} pixels of a {image.shape[2]}×{image.shape[1]} image, "
          f"{args.n} samples (stride {args.stride}); wrote {args.out}")
    return 0


def cmd_denoise(args) -> int:
    model, image, device = _load_inputs(args)
    if not args.snr > 0:
        raise UsageError(f"--snr must be positive, got {args.snr}")

    def run(m, tiles):
        r = denoise(m, noisy=tiles, snr=args.snr, n=args.n, seed=args.seed, stride=args.stride,
                    likelihood=args.likelihood, device=device)
        return {"samples": r["samples"], "mean": r["mean"], "std": r["std"]}

    out = _tiled(run, model, [image])
    out["noisy"] = image
    _write(args, "denoise", image, out, snr=args.snr, stride=args.stride, seed=args.seed)
    print(f"denoised a {image.shape[2]}×{image.shape[1]} image at SNR {args.snr:g}, {args.n} samples; wrote {args.out}")
    return 0


def register(sub) -> None:
    """Add `inpaint` and `denoise` to the CLI's subparsers."""
    for name, helptext in (("inpaint", "fill the masked (white) pixels of an image with posterior samples"),
                           ("denoise", "posterior samples of the clean image behind a noisy one")):
        p = sub.add_parser(name, help=helptext, description=helptext + ". Images of another size than "
                           "the model's are cut into model-sized tiles (borders padded by reflection).")
        p.add_argument("--model", required=True, help="an image model (.h5)")
        p.add_argument("--image", required=True, help="PNG/JPEG/...; converted to the model's channels")
        if name == "inpaint":
            p.add_argument("--mask", required=True, help="same size as the image; white = missing")
        else:
            p.add_argument("--snr", type=float, default=1.0,
                           help="signal variance / noise variance, per channel of the training data (default 1)")
            p.add_argument("--likelihood", choices=("gaussian", "flat"), default="gaussian",
                           help="how the observation enters each step (see engine/inpaint.py)")
        p.add_argument("--n", type=int, default=4, help="posterior samples")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--stride", type=int, default=1, help="visit every k-th step (faster, approximate)")
        p.add_argument("--device", default="auto")
        p.add_argument("--out", required=True, help="HDF5: samples, mean, std (in [0, 1])")
        p.add_argument("--png", default=None, metavar="DIR", help="also write PNGs into this folder")
