"""Worker jobs for the painting canvas: posterior inpainting and denoising of one image of
any size, streamed as progressive frames (x_t and the predicted x_0 at every step) so the
GUI can show the reverse process filling in; a strided preview first, then the full
posterior. Inpainting works on the hole's window only (engine.guides.inpaint.window_for):
frames carry that window in raw units and the GUI pastes it into the image it holds."""
from __future__ import annotations

import time

import numpy as np

from engine.core.respacing import kept_steps
from engine.data.catalogue import heldout_canvases
from engine.guides.common import check_image, summary
from engine.guides.denoise import add_noise, denoise_progressive
from engine.guides.inpaint import finish, inpaint_progressive, window_for
from engine.model import model_kind
from engine.runtime import protocol as m

MAX_PIXELS = 1024 * 1024      # the canvas scales bigger images down before asking
KEEP_FRAMES = 24              # trajectory frames kept in a result (for export), evenly spaced


def _image_model(state):
    model = state.require_model()
    if model_kind(model.config) != "image":
        raise ValueError("inpainting needs an image model; open one (e.g. assets/models/texture.h5)")
    return model


def _check(model, image, missing=None):
    checked = check_image(model, image, missing)
    img = checked[0] if missing is not None else checked
    if img.shape[1] * img.shape[2] > MAX_PIXELS:
        raise ValueError(f"the image is {img.shape[2]}×{img.shape[1]} pixels; scale it down to at most 1 megapixel")
    return checked


def _passes(cmd) -> list[tuple[str, int]]:
    stride = max(int(cmd.preview_stride), 1)
    out = [("preview", stride)] if stride > 1 else []
    if cmd.full or not out:
        out.append(("full", 1))
    return out


def _stream(state, model, cmd, task: str, phase: str, stride: int, steps, window, finish_raw, extra: dict):
    """Sampler Steps over `window` -> PosteriorFrames (window crops, raw units), then one
    PosteriorResult with whole-image samples from `finish_raw(last standardised x)` and the
    `extra` fields (observed, missing, clean, snr)."""
    kept = kept_steps(model.T, stride)
    t0 = time.perf_counter()
    frames, last = [], None
    for s in steps:
        last = s.x
        t = kept[s.t - 1] if s.t > 0 else 0
        x = model.unstandardise(s.x).astype(np.float32)
        x0 = None if s.x0_pred is None else model.unstandardise(s.x0_pred).astype(np.float32)
        frames.append((t, x, x0))
        yield m.PosteriorFrame(model_id=state.model_id, request=cmd.request, task=task, phase=phase, stride=stride,
                               t=t, T=model.T, window=tuple(window), x=x.copy(), x0_pred=None if x0 is None else x0.copy())
    samples = finish_raw(last)          # the sampler's own standardised x, not a round trip
    idx = np.unique(np.linspace(0, len(frames) - 1, min(KEEP_FRAMES, len(frames))).round().astype(int))
    keep = sorted({frames[i][0]: frames[i] for i in idx}.values(), key=lambda f: f[0])   # one per t, ascending
    yield m.PosteriorResult(
        model_id=state.model_id, request=cmd.request, task=task, phase=phase, stride=stride, steps=len(kept),
        seconds=time.perf_counter() - t0, window=tuple(window), **summary(samples),
        trajectory=np.stack([f[1] for f in keep]),
        x0_trajectory=np.stack([f[2] if f[2] is not None else np.full_like(f[1], np.nan) for f in keep]),
        ts=np.asarray([f[0] for f in keep], dtype=np.int64), **extra)


def _inpaint(state, cmd: m.Inpaint):
    model = _image_model(state)
    image, missing = _check(model, cmd.image, cmd.missing)
    n = max(int(cmd.n), 1)
    window = window_for(model, missing, cmd.margin)
    if window[0] == window[1]:
        raise ValueError("nothing to fill: paint a region first")

    def done(x):
        return finish(model, image, missing, window, x)

    extra = {"observed": image.astype(np.float32), "missing": missing.copy()}
    resample = tuple(cmd.resample) if cmd.resample else None
    for phase, stride in _passes(cmd):
        steps = inpaint_progressive(model, image, missing, n, cmd.seed, stride, state.device, window,
                                    resample if phase == "full" else None)
        yield from _stream(state, model, cmd, "inpaint", phase, stride, steps, window, done, extra)


def _denoise(state, cmd: m.Denoise):
    model = _image_model(state)
    clean = _check(model, cmd.clean)
    if not cmd.snr > 0:
        raise ValueError(f"the SNR must be positive, got {cmd.snr}")
    n = max(int(cmd.n), 1)
    noisy = add_noise(clean, model.data_std, cmd.snr, cmd.noise_seed)
    window = (0, clean.shape[1], 0, clean.shape[2])

    def done(x):
        return model.unstandardise(x).astype(np.float32)

    extra = {"observed": noisy.astype(np.float32), "clean": clean.astype(np.float32), "snr": float(cmd.snr)}
    for phase, stride in _passes(cmd):
        steps = denoise_progressive(model, noisy, cmd.snr, n, cmd.seed, stride, device=state.device)
        yield from _stream(state, model, cmd, "denoise", phase, stride, steps, window, done, extra)


def _data_images(state, cmd: m.DataImages):
    model = _image_model(state)
    images = heldout_canvases(model, int(cmd.n), int(cmd.seed))
    yield m.DataImagesReady(model_id=state.model_id, images=[im.astype(np.float32) for im in images],
                            name=str(model.config.data))


HANDLERS = {m.Inpaint: _inpaint, m.Denoise: _denoise, m.DataImages: _data_images}
DESCRIBE = {"inpaint": "inpainting (posterior samples)", "denoise": "denoising (posterior samples)",
            "data_images": "picking data-set images"}
DONE = {"inpaint": "inpainting done", "denoise": "denoising done", "data_images": "images ready"}
