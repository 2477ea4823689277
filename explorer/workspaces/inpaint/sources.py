"""Where the canvas's image comes from, without Qt: the model's held-out images, or a
user's file at most MAX_SIDE pixels a side (a bigger one is offered a downscale by a whole
factor, never scaled silently), and what to say about the pixel scale the model works at.
A model is fully convolutional and runs at any size, but it learnt textures at one pixel
scale: grass photographed from twice as far looks like another texture to it."""
from __future__ import annotations

import numpy as np

MAX_SIDE = 512          # the canvas's largest side (the engine takes up to 1 megapixel)
MIN_SIDE = 8            # smaller than this there is nothing to paint on


def downscale(image: np.ndarray, f: int) -> np.ndarray:
    """(C, H, W) -> block means over f×f (the last partial rows and columns dropped)."""
    f = int(f)
    if f <= 1:
        return np.asarray(image, np.float32)
    C, H, W = image.shape
    H2, W2 = H // f, W // f
    return image[:, :H2 * f, :W2 * f].reshape(C, H2, f, W2, f).mean((2, 4)).astype(np.float32)


def factor_to_fit(h: int, w: int, max_side: int = MAX_SIDE) -> int:
    """The smallest whole factor that brings both sides to at most max_side."""
    return max(1, -(-max(int(h), int(w)) // int(max_side)))


def factors(h: int, w: int, first: int, count: int = 3) -> list[int]:
    """Up to `count` whole factors from `first` that leave at least MIN_SIDE pixels a side."""
    return [f for f in range(max(first, 2), max(first, 2) + count) if min(h, w) // f >= MIN_SIDE]


def distinct(images) -> list[np.ndarray]:
    """Drop repeats (a one-photo texture set's held-out block comes back for every index)."""
    out: list[np.ndarray] = []
    for im in images:
        im = np.asarray(im, np.float32)
        if not any(o.shape == im.shape and np.array_equal(o, im) for o in out):
            out.append(im)
    return out


def scale_note(config: dict) -> str:
    """One line: the pixel scale an image model was trained at, from its config."""
    args = dict(config.get("data_args") or {})
    crop = int((config.get("shape") or (0, 0, 0))[-1])
    data = str(config.get("data", "its data"))
    f = args.get("downscale")
    if f is None:
        where = f"{data} at {args['size']} px" if "size" in args else data
        return f"The model learnt {where} ({crop}×{crop} training images): it works best when things look that big."
    f = int(f)
    scale = "the source's own pixels" if f == 1 else f"1/{f} of the source's resolution (downscale {f})"
    return (f"The model learnt {data} at {scale}, on {crop}×{crop} px crops: it fills best when your image's "
            f"detail is about that size.")
