"""Worker jobs for the painting canvas: posterior inpainting and denoising of one image,
streamed as progressive frames (x_t and the predicted x_0 at every step) so the GUI can
show the reverse process filling in; a strided preview first, then the full posterior.
Images of any size are cut into model-sized tiles (engine.commands_images.tile) and every
frame is stitched back, so the GUI only ever sees whole images in raw units."""
from __future__ import annotations

import time

import numpy as np

from . import messages as m
from .commands_images import heldout_images, tile, untile
from .inpaint import add_noise, denoise_progressive, inpaint_progressive, kept_steps

MAX_TILES = 16          # a 64×64 canvas on a 16×16 model; the GUI scales bigger images down


def _image_model(state):
    model = state.require_model()
    if len(model.shape) != 3 or model.diffusion.family == "binomial":
        raise ValueError("inpainting needs a Gaussian image model; open one (e.g. assets/models/digits.h5)")
    return model


def _check_image(model, image: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=np.float64)
    C, h, w = model.shape
    if image.ndim != 3 or image.shape[0] != C:
        raise ValueError(f"the image has shape {image.shape}; the model takes {C}-channel (C, H, W) images")
    if not np.isfinite(image).all():
        raise ValueError("the image contains NaN or infinite values")
    k = -(-image.shape[1] // h) * -(-image.shape[2] // w)
    if k > MAX_TILES:
        raise ValueError(f"the image is {image.shape[2]}×{image.shape[1]} pixels: at most {MAX_TILES} "
                         f"tiles of {w}×{h} (scale it down)")
    return image


def _passes(cmd) -> list[tuple[str, int]]:
    stride = max(int(cmd.preview_stride), 1)
    out = [("preview", stride)] if stride > 1 else []
    if cmd.full or not out:
        out.append(("full", 1))
    return out


def _stream(state, model, cmd, task: str, phase: str, stride: int, steps, layout, n: int, finish):
    """Turn sampler Steps of a tiled batch (K·n, C, h, w) into frames of (n, C, H, W),
    then one PosteriorResult built by `finish(samples_raw)`."""
    kept = kept_steps(model.T, stride)
    K = layout[2] * layout[3]
    t0 = time.perf_counter()

    def whole(x):
        if x is None:
            return None
        raw = model.unstandardise(x).astype(np.float32)
        return untile(raw.reshape(K, n, *raw.shape[1:]), layout)

    xs, x0s, ts = [], [], []
    for s in steps:
        t = kept[s.t - 1] if s.t > 0 else 0
        x, x0 = whole(s.x), whole(s.x0_pred)
        xs.append(x)
        x0s.append(np.full_like(x, np.nan) if x0 is None else x0)
        ts.append(t)
        yield m.PosteriorFrame(model_id=state.model_id, request=cmd.request, task=task, phase=phase,
                               stride=stride, t=t, T=model.T, x=x.copy(), x0_pred=None if x0 is None else x0.copy())
    out = finish(xs[-1])
    samples = out.pop("samples").astype(np.float32)
    wide = samples.astype(np.float64)       # exact: equal samples give std 0, mean the value
    yield m.PosteriorResult(
        model_id=state.model_id, request=cmd.request, task=task, phase=phase, stride=stride,
        steps=len(kept), seconds=time.perf_counter() - t0, samples=samples,
        mean=wide.mean(0).astype(np.float32), std=wide.std(0).astype(np.float32),
        trajectory=np.stack(xs[::-1]), x0_trajectory=np.stack(x0s[::-1]),
        ts=np.asarray(ts[::-1], dtype=np.int64), **out)


def _inpaint(state, cmd: m.Inpaint):
    model = _image_model(state)
    image = _check_image(model, cmd.image)
    missing = np.asarray(cmd.missing, dtype=bool)
    if missing.shape != image.shape[1:]:
        raise ValueError(f"the mask is {missing.shape[1]}×{missing.shape[0]} pixels but the image is "
                         f"{image.shape[2]}×{image.shape[1]}")
    _, h, w = model.shape
    n = max(int(cmd.n), 1)
    tiles, layout = tile(image, h, w)
    missing_tiles = tile(np.broadcast_to(missing, image.shape).astype(np.float64), h, w)[0] > 0.5

    def finish(last):
        # The paper's r is a delta on the known pixels: write the observation itself.
        samples = np.where(missing, np.clip(last, 0.0, 1.0), image.astype(np.float32))
        return {"samples": samples, "observed": image.astype(np.float32), "missing": missing.copy()}

    for phase, stride in _passes(cmd):
        steps = inpaint_progressive(model, tiles, missing_tiles, n, cmd.seed, stride, state.device)
        yield from _stream(state, model, cmd, "inpaint", phase, stride, steps, layout, n, finish)


def _denoise(state, cmd: m.Denoise):
    model = _image_model(state)
    clean = _check_image(model, cmd.clean)
    if not cmd.snr > 0:
        raise ValueError(f"the SNR must be positive, got {cmd.snr}")
    _, h, w = model.shape
    n = max(int(cmd.n), 1)
    noisy = add_noise(clean, model.data_std, cmd.snr, cmd.noise_seed)
    tiles, layout = tile(noisy, h, w)

    def finish(last):
        return {"samples": last, "observed": noisy.astype(np.float32), "clean": clean.astype(np.float32),
                "snr": float(cmd.snr)}

    for phase, stride in _passes(cmd):
        steps = denoise_progressive(model, tiles, cmd.snr, n, cmd.seed, stride, device=state.device)
        yield from _stream(state, model, cmd, "denoise", phase, stride, steps, layout, n, finish)


def _data_images(state, cmd: m.DataImages):
    model = _image_model(state)
    raw = heldout_images(model, int(cmd.n), int(cmd.seed))
    levels = int(model.config.data_args.get("levels", 256))
    images = np.clip(raw + 0.5 / levels, 0.0, 1.0).astype(np.float32)   # bin centres, as read_image gives
    yield m.DataImagesReady(model_id=state.model_id, images=images, name=str(model.config.data))


HANDLERS = {m.Inpaint: _inpaint, m.Denoise: _denoise, m.DataImages: _data_images}
DESCRIBE = {"inpaint": "inpainting (posterior samples)", "denoise": "denoising (posterior samples)",
            "data_images": "picking data-set images"}
DONE = {"inpaint": "inpainting done", "denoise": "denoising done", "data_images": "images ready"}
