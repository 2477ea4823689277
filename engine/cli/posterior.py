"""`inpaint` and `denoise`: posterior samples for a user image, written with
engine.io.posterior (the file the GUI's export writes too)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.cli.errors import UsageError, check_out
from engine.data.image_io import read_image, read_mask, write_png
from engine.devices import pick_device
from engine.guides.denoise import denoise
from engine.guides.inpaint import inpaint
from engine.io.posterior import write_posterior
from engine.io.storage import load_model
from engine.model import model_kind


def register(sub) -> None:
    """Add `inpaint` and `denoise` to the CLI's subparsers."""
    for name, helptext in (("inpaint", "fill the masked (white) pixels of an image with posterior samples"),
                           ("denoise", "posterior samples of the clean image behind a noisy one")):
        p = sub.add_parser(name, help=helptext, description=helptext + ".")
        p.add_argument("--model", required=True, help="an image model (.h5)")
        p.add_argument("--image", required=True, help="PNG/JPEG/...; converted to the model's channels")
        if name == "inpaint":
            p.add_argument("--mask", required=True, help="same size as the image; white = missing")
        else:
            p.add_argument("--snr", type=float, default=1.0,
                           help="signal variance / noise variance, per channel of the training data (default 1)")
            p.add_argument("--likelihood", choices=("gaussian", "flat"), default="gaussian",
                           help="how the observation enters each step (see engine/guides/denoise.py)")
        p.add_argument("--n", type=int, default=4, help="posterior samples")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--stride", type=int, default=1, help="visit every k-th step (faster, approximate)")
        if name == "inpaint":
            p.add_argument("--resample", type=int, nargs=2, default=None, metavar=("JUMP", "TIMES"),
                           help="RePaint-style harmonisation: re-diffuse JUMP steps, TIMES passes per block")
        p.add_argument("--device", default="auto")
        p.add_argument("--out", required=True, help="HDF5: samples, mean, std (in [0, 1])")
        p.add_argument("--png", default=None, metavar="DIR", help="also write PNGs into this folder")
        p.set_defaults(run=cmd_inpaint if name == "inpaint" else cmd_denoise)


def _load_inputs(args):
    check_out(args.out, args.model, args.image, getattr(args, "mask", None))
    for k in ("n", "stride"):
        if getattr(args, k) is not None and getattr(args, k) < 1:
            raise UsageError(f"--{k} must be at least 1, got {getattr(args, k)}")
    if args.png and not Path(args.png).is_dir():
        raise UsageError(f"--png folder does not exist: {args.png}")
    if args.png:            # the PNGs written there must not replace an input either
        names = {"mean.png", "std.png", "observed.png", *(f"sample_{i:02d}.png" for i in range(args.n))}
        for given in (args.model, args.image, getattr(args, "mask", None)):
            if given and Path(given).resolve().parent == Path(args.png).resolve() and Path(given).name in names:
                raise UsageError(f"--png {args.png} would overwrite the input {Path(given).name}; choose another folder")
    model = load_model(args.model)
    if model_kind(model.config) != "image":
        raise UsageError(f"{Path(args.model).name} is not an image model (shape {tuple(model.shape)})")
    image = read_image(args.image, channels=model.shape[0])
    return model, image, pick_device(args.device)


def _write(args, task: str, image: np.ndarray, shown: np.ndarray, out: dict, **attrs) -> None:
    """The HDF5 file, and with --png the observed/masked input, samples, mean and std."""
    write_posterior(args.out, task, image, attrs={"model": Path(args.model).name, **attrs}, **out)
    if args.png:
        def png(name, x):
            write_png(Path(args.png) / f"{name}.png", x)

        for i, s in enumerate(out["samples"]):
            png(f"sample_{i:02d}", s)
        png("mean", out["mean"])
        png("std", out["std"] / max(float(out["std"].max()), 1e-12))   # scaled to the largest std
        png("observed", shown)


def cmd_inpaint(args) -> int:
    model, image, device = _load_inputs(args)
    missing = read_mask(args.mask)
    if missing.shape != image.shape[1:]:
        raise UsageError(f"mask is {missing.shape[1]}×{missing.shape[0]} pixels but the image is "
                         f"{image.shape[2]}×{image.shape[1]}")
    if args.resample is not None and min(args.resample) < 1:
        raise UsageError(f"--resample needs JUMP >= 1 and TIMES >= 1, got {args.resample[0]} {args.resample[1]}")
    out = inpaint(model, image, missing, n=args.n, seed=args.seed, stride=args.stride, device=device,
                  resample=tuple(args.resample) if args.resample else None)
    window = [int(v) for v in out.pop("window")]
    out["mask"] = missing
    masked = np.where(missing, 0.5, image)          # what the model saw: holes in mid grey
    _write(args, "inpaint", image, masked, out, stride=args.stride, seed=args.seed, window=window,
           resample=list(args.resample or (0, 0)))
    print(f"inpainted {int(missing.sum())} pixels of a {image.shape[2]}×{image.shape[1]} image over the window "
          f"rows {window[0]}-{window[1]}, columns {window[2]}-{window[3]}, {args.n} samples (stride {args.stride}); "
          f"wrote {args.out}")
    return 0


def cmd_denoise(args) -> int:
    model, image, device = _load_inputs(args)
    if not args.snr > 0:
        raise UsageError(f"--snr must be positive, got {args.snr}")
    r = denoise(model, noisy=image, snr=args.snr, n=args.n, seed=args.seed, stride=args.stride,
                likelihood=args.likelihood, device=device)
    out = {"samples": r["samples"], "mean": r["mean"], "std": r["std"], "noisy": image}
    _write(args, "denoise", image, np.clip(image, 0, 1), out, snr=args.snr, stride=args.stride, seed=args.seed)
    print(f"denoised a {image.shape[2]}×{image.shape[1]} image at SNR {args.snr:g}, {args.n} samples; wrote {args.out}")
    return 0
