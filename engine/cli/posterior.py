"""`inpaint` and `denoise`: posterior samples for a user image, written with
engine.io.posterior (the file the GUI's export writes too), with a progress bar."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from tqdm import tqdm

from engine.cli.errors import UsageError, add_max_memory, announce, check_out, within_budget
from engine.core.respacing import kept_steps
from engine.data.image_io import image_size, read_image, read_mask, write_png
from engine.devices import pick_device
from engine.guides.common import check_image
from engine.guides.denoise import denoise
from engine.guides.inpaint import inpaint, window_for
from engine.io.budget import Estimate, posterior_cost
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
        add_max_memory(p)
        p.set_defaults(run=cmd_inpaint if name == "inpaint" else cmd_denoise)


MAX_RESAMPLE_TIMES = 100
READ_BYTES_PER_PIXEL = 80     # decoding: 8-bit levels, float64 copies, channel conversion


def _load_inputs(args):
    check_out(args.out, args.model, args.image, getattr(args, "mask", None))
    for k in ("n", "stride"):
        if getattr(args, k) is not None and getattr(args, k) < 1:
            raise UsageError(f"--{k} must be at least 1, got {getattr(args, k)}")
    if args.png and not Path(args.png).is_dir():
        raise UsageError(f"--png folder does not exist: {args.png}")
    if args.png:            # the PNGs written there must not replace an input either
        for given in (args.model, args.image, getattr(args, "mask", None)):
            if given and Path(given).resolve().parent == Path(args.png).resolve() and _png_written(Path(given).name,
                                                                                                  args.n):
                raise UsageError(f"--png {args.png} would overwrite the input {Path(given).name}; choose another folder")
    resample = getattr(args, "resample", None)
    if resample is not None and not (1 <= resample[0] and 1 <= resample[1] <= MAX_RESAMPLE_TIMES):
        raise UsageError(f"--resample needs JUMP >= 1 and 1 <= TIMES <= {MAX_RESAMPLE_TIMES}, "
                         f"got {resample[0]} {resample[1]}")
    model = load_model(args.model)
    if model_kind(model.config) != "image":
        raise UsageError(f"{Path(args.model).name} is not an image model (shape {tuple(model.shape)})")
    device = pick_device(args.device)
    size, note = image_size(args.image), None   # the header: a job too big is refused before decoding
    if size is not None:
        C, (w, h) = model.shape[0], size
        est = Estimate(READ_BYTES_PER_PIXEL * w * h * (2 if hasattr(args, "mask") else 1), 0, 0)
        if not hasattr(args, "mask"):      # denoising runs on the whole image: all is known now
            est = est + posterior_cost(model.config.net, (C, h, w), (C, h, w), model.T, args.n, _steps(model, args))
        note = within_budget(args, est, _what(args, w, h, (0, h, 0, w)), device, "try a smaller --n or image")
    image = read_image(args.image, channels=model.shape[0])
    return model, image, device, note


def _png_written(name: str, n: int) -> bool:
    """Whether --png writes a file of this name (sample_00.png .. for n samples, mean, std, observed)."""
    m = re.fullmatch(r"sample_(\d+)\.png", name)
    if m:
        return int(m.group(1)) < n and name == f"sample_{int(m.group(1)):02d}.png"
    return name in ("mean.png", "std.png", "observed.png")


def _steps(model, args) -> int:
    """Reverse (and, resampling, re-diffusing) steps the sampler will take."""
    T = len(kept_steps(model.T, args.stride)) if args.stride > 1 else model.T
    resample = getattr(args, "resample", None)
    if not resample:
        return T
    jump, times, steps, t = resample[0], resample[1], 0, T
    while t > 0:                            # engine.core.sampling.resampling_path, counted
        stop = max(t - jump, 0)
        steps += (t - stop) * (2 * times - 1 if stop > 0 else 1)
        t = stop
    return steps


def _what(args, w: int, h: int, window) -> str:
    task = "inpainting" if hasattr(args, "mask") else "denoising"
    area = f" (window {window[3] - window[2]}×{window[1] - window[0]})" if hasattr(args, "mask") else ""
    return f"{task} {args.n} samples of a {w}×{h} image{area}"


def _bar(total: int, desc: str) -> tqdm:
    return tqdm(total=total + 1, unit="step", desc=desc, dynamic_ncols=True, leave=False)


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
    model, image, device, _ = _load_inputs(args)
    size = image_size(args.mask)            # the header: a mask of the wrong size is refused unread
    if size is not None and size != (image.shape[2], image.shape[1]):
        raise UsageError(f"the mask is {size[0]}×{size[1]} pixels but the image is {image.shape[2]}×{image.shape[1]}")
    image, missing = check_image(model, image, read_mask(args.mask))
    if not missing.any():
        raise UsageError(f"the mask {Path(args.mask).name} marks no pixel to fill (white = missing)")
    window = window_for(model, missing)     # as engine.guides.inpaint.inpaint does
    crop = (model.shape[0], window[1] - window[0], window[3] - window[2])
    steps = _steps(model, args)
    announce(within_budget(args, posterior_cost(model.config.net, crop, image.shape, model.T, args.n, steps),
                           _what(args, image.shape[2], image.shape[1], window), device, "try a smaller --n or mask"))
    with _bar(steps, "inpaint") as bar:
        out = inpaint(model, image, missing, args.n, args.seed, args.stride, device,
                      tuple(args.resample) if args.resample else None, progress=bar.update)
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
    model, image, device, note = _load_inputs(args)
    if not args.snr > 0:
        raise UsageError(f"--snr must be positive, got {args.snr}")
    image = check_image(model, image)       # as engine.guides.denoise.denoise does
    announce(note)
    with _bar(_steps(model, args), "denoise") as bar:
        r = denoise(model, noisy=image, snr=args.snr, n=args.n, seed=args.seed, stride=args.stride,
                    likelihood=args.likelihood, device=device, progress=bar.update)
    out = {"samples": r["samples"], "mean": r["mean"], "std": r["std"], "noisy": image}
    _write(args, "denoise", image, np.clip(image, 0, 1), out, snr=args.snr, stride=args.stride, seed=args.seed)
    print(f"denoised a {image.shape[2]}×{image.shape[1]} image at SNR {args.snr:g}, {args.n} samples; wrote {args.out}")
    return 0
