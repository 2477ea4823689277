"""Image data sets, all offline: digits, dead leaves, natural textures (grass, brick),
colour photos, and a user folder. Models are fully convolutional, so each set is a few
large images: training uses random `size`×`size` crops of its training region, and the
held-out region (never overlapping it) gives both evaluation crops and full-size images to
paint on. `downscale` is the pixel scale a model is trained at (1 = the source's pixels).

Values are quantised to `levels` grey levels in [0, 1): a pixel of level k holds k/L, and
`dequantise` adds U(0, 1/L) so a continuous density can be fitted (the paper's treatment of
8-bit data). Shapes are (n, C, H, W); standardisation is per channel, a scalar mean and std
of shape (C, 1, 1) that broadcast over H and W."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.data.errors import DataError
from engine.data.image_io import IMAGE_SUFFIXES, read_image, to_channels
from engine.data.split import PointData

IMAGE_SETS = ("digits", "deadleaves", "texture", "brick", "patches")
TEXTURES = ("grass", "gravel", "brick")                 # grey, bundled inside scikit-image
COLOUR_IMAGES = ("astronaut", "coffee", "chelsea", "rocket")   # colour, bundled too
CANVAS = 256                # side of the held-out images to paint on (at most)
CROP_PIXELS = 20_000_000    # training crops generated at most, in pixels (memory)
DEFAULT_ARGS = {
    "digits": {"size": 16},
    "deadleaves": {"size": 64, "rmin": 1.0, "rmax": 64.0},
    "texture": {"size": 32, "source": "grass", "downscale": 1},
    "brick": {"size": 32, "source": "brick", "downscale": 1},
    "patches": {"size": 32, "downscale": 1},
    "folder": {"size": 32, "channels": 0},      # channels 0: colour if any image is
}


def image_args(name: str, **overrides) -> dict:
    base = dict(DEFAULT_ARGS["folder" if name.startswith("folder:") else name])
    base.update({k: v for k, v in overrides.items() if v is not None and k in base})
    return base


# ---- quantisation and standardisation ---------------------------------------------------
def quantise(x: np.ndarray, levels: int) -> np.ndarray:
    """Values in [0, 1] -> k/L, k = 0..L-1 (the bin's lower edge)."""
    return np.clip(np.floor(np.asarray(x, dtype=np.float64) * levels), 0, levels - 1) / levels


def dequantise(x: np.ndarray, levels: int, rng: np.random.Generator) -> np.ndarray:
    """k/L + U(0, 1/L): uniform noise over each level's bin, so densities are comparable
    with discrete probabilities (P(k) >= p(x)·(1/L) on average, by Jensen)."""
    return np.asarray(x, dtype=np.float64) + rng.uniform(0.0, 1.0 / levels, np.shape(x))


def channel_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and std, shape (C, 1, 1), broadcasting over pixels."""
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=(0, 2, 3)).reshape(-1, 1, 1)
    std = x.std(axis=(0, 2, 3)).reshape(-1, 1, 1)
    if not (std > 0).all():
        raise DataError("image data set has a constant channel; nothing to model")
    return mean, std


# ---- built-in sets ----------------------------------------------------------------------
def digits(size: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8×8 digits (17 grey levels, 0..16), upscaled by pixel replication
    (nearest neighbour, so the 17 levels stay exact). A fixed 1497/300 split."""
    from sklearn.datasets import load_digits

    if size % 8:
        raise DataError(f"digits are 8×8; size must be a multiple of 8, got {size}")
    img = load_digits().images / 17.0                       # level k -> k/17
    f = size // 8
    img = img.repeat(f, 1).repeat(f, 2)[:, None]
    idx = np.random.default_rng(0).permutation(len(img))    # fixed: held-out stays held out
    return img[idx[300:]], img[idx[:300]]


def dead_leaves(height: int, width: int, rng: np.random.Generator, rmin: float = 1.0,
                rmax: float = 64.0) -> np.ndarray:
    """One (1, H, W) image of occluding discs with radius pdf ∝ r^-3 on [rmin, rmax] (scale
    invariant, as natural images are) and uniform grey levels, dropped until covered. Each
    disc only touches its bounding box, so the cost follows the discs' total area."""
    if not 0 < rmin < rmax:
        raise DataError(f"dead leaves need 0 < rmin < rmax, got {rmin}, {rmax}")
    lo, hi = rmin ** -2, rmax ** -2
    mean_area = np.pi * 2 * rmin ** 2 * np.log(rmax / rmin) / (1 - (rmin / rmax) ** 2)
    pad = rmax / 2
    k = int(np.ceil(6 * (height + 2 * pad) * (width + 2 * pad) / mean_area)) + 8   # e^-6 uncovered
    cy, cx = rng.uniform(-pad, height + pad, k), rng.uniform(-pad, width + pad, k)
    r = (lo - rng.uniform(0, 1, k) * (lo - hi)) ** -0.5
    grey = rng.uniform(0, 1, k)
    img = np.full((height, width), rng.uniform(0, 1))
    for y, x, rad, g in zip(cy, cx, r, grey):
        y0, y1 = max(int(y - rad), 0), min(int(np.ceil(y + rad)) + 1, height)
        x0, x1 = max(int(x - rad), 0), min(int(np.ceil(x + rad)) + 1, width)
        if y0 >= y1 or x0 >= x1:
            continue
        yy = np.arange(y0, y1)[:, None] + 0.5 - y
        xx = np.arange(x0, x1)[None, :] + 0.5 - x
        block = img[y0:y1, x0:x1]
        block[yy ** 2 + xx ** 2 < rad ** 2] = g
    return quantise(img, 256)[None]


def _pool(img: np.ndarray, f: int) -> np.ndarray:
    """(H, W, ...) block mean by f (crops to a multiple of f)."""
    if f <= 1:
        return img.astype(np.float64)
    H, W = img.shape[0] // f * f, img.shape[1] // f * f
    img = img[:H, :W].astype(np.float64)
    return img.reshape(H // f, f, W // f, f, *img.shape[2:]).mean((1, 3))


def cut(images: list[np.ndarray], n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """n random size×size crops from (C, H, W) images, picked in proportion to area."""
    ok = [im for im in images if im.shape[1] >= size and im.shape[2] >= size]
    if not ok:
        raise DataError(f"no image is at least {size}×{size} pixels")
    area = np.array([(im.shape[1] - size + 1) * (im.shape[2] - size + 1) for im in ok], dtype=np.float64)
    which = rng.choice(len(ok), n, p=area / area.sum())
    out = np.empty((n, ok[0].shape[0], size, size))
    for i, j in enumerate(which):
        im = ok[j]
        y, x = rng.integers(0, im.shape[1] - size + 1), rng.integers(0, im.shape[2] - size + 1)
        out[i] = im[:, y:y + size, x:x + size]
    return out


def split_regions(im: np.ndarray, canvas: int = CANVAS) -> tuple[list[np.ndarray], np.ndarray]:
    """One corner block (at most canvas² and half of each side) is held out: the corner
    whose power spectrum is closest to the rest's. A photo's focus and lighting drift
    across the frame (grass's bottom-right quarter has ~1.5× the rest's finest detail), and
    held-out data should measure how a model generalises, not that drift. The training
    region is the rest, as two rectangles; crops never cross the split."""
    _, H, W = im.shape
    hh, hw = min(canvas, H // 2), min(canvas, W // 2)
    corners = [(y, x) for y in (0, H - hh) for x in (0, W - hw)]
    y, x = min(corners, key=lambda c: _mismatch(im, *c, hh, hw))
    band = im[:, hh:] if y == 0 else im[:, :H - hh]          # full width, beside the block
    beside = im[:, y:y + hh, hw:] if x == 0 else im[:, y:y + hh, :W - hw]
    return [band, beside], im[:, y:y + hh, x:x + hw]


def _mismatch(im: np.ndarray, y: int, x: int, hh: int, hw: int, tile: int = 64) -> float:
    """Largest |log| ratio, over four octave bands, of the block's power to the rest's,
    from the spectra of the tiles of a grid that lie wholly on one side."""
    grey = im.mean(0)
    inside, outside = [], []
    for ty in range(0, grey.shape[0] - tile + 1, tile):
        for tx in range(0, grey.shape[1] - tile + 1, tile):
            t = grey[ty:ty + tile, tx:tx + tile]
            within = y <= ty and ty + tile <= y + hh and x <= tx and tx + tile <= x + hw
            apart = ty + tile <= y or ty >= y + hh or tx + tile <= x or tx >= x + hw
            if within or apart:
                (inside if within else outside).append(band_power(t))
    if not inside or not outside:
        return 0.0
    tiny = 1e-12                                    # a flat tile has no power at all
    return float(np.abs(np.log((np.mean(inside, 0) + tiny) / (np.mean(outside, 0) + tiny))).max())


def band_power(x: np.ndarray) -> np.ndarray:
    """Radially averaged power of a 2-D array in 4 octave bands (cycles/pixel 1/32-1/16,
    ..., 1/4-1/2), its mean removed first."""
    p = np.abs(np.fft.fft2(x - x.mean())) ** 2
    f = np.hypot(*np.meshgrid(np.fft.fftfreq(x.shape[0]), np.fft.fftfreq(x.shape[1]), indexing="ij"))
    edges = (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2)
    return np.array([p[(f >= a) & (f < b)].mean() for a, b in zip(edges, edges[1:])])


def _bundled(names, grey: bool, f: int) -> list[np.ndarray]:
    import skimage.data

    out = []
    for name in names:
        im = getattr(skimage.data, name)()              # these ship inside scikit-image
        im = _pool(im, f)
        im = np.floor(im) / 256.0                       # 8-bit levels k/256 after pooling
        out.append(im[None] if grey else np.moveaxis(im[..., :3], -1, 0))
    return out


def _sources(name: str, args: dict) -> list[np.ndarray]:
    if name == "patches":
        return _bundled(COLOUR_IMAGES, False, int(args["downscale"]))
    if args["source"] not in TEXTURES:
        raise DataError(f"unknown texture {args['source']!r}; choose from {', '.join(TEXTURES)}")
    return _bundled((args["source"],), True, int(args["downscale"]))


def _leaves(count: int, side: int, rng: np.random.Generator, args: dict) -> list[np.ndarray]:
    return [dead_leaves(side, side, rng, args["rmin"], args["rmax"]) for _ in range(count)]


def make_images(name: str, n: int = 20000, seed: int = 0, n_heldout: int | None = None,
                **overrides) -> PointData:
    """A built-in image set or `folder:PATH` as crops: quantised (n, C, size, size) in
    [0, 1), args with "levels". Held-out crops never overlap training crops (fixed splits,
    disjoint image regions, or independent random streams)."""
    if name not in IMAGE_SETS and not name.startswith("folder:"):
        raise DataError(f"unknown image data set {name!r}; choose from {', '.join(IMAGE_SETS)} or folder:PATH")
    args = image_args(name, **overrides)
    size = int(args["size"])
    if not 4 <= size <= 256 or size % 4:
        raise DataError(f"image size must be a multiple of 4 between 4 and 256, got {size}")
    n = max(1, min(int(n), CROP_PIXELS // size ** 2))
    n_held = n_heldout or max(min(n // 10, 2000), 200)
    rng_train, rng_held = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    if name == "digits":
        train, held = digits(size)
        args["levels"] = 17
        return PointData(name, train, held[:n_held], args)
    if name == "deadleaves":
        side = max(4 * size, 256)            # a few large canvases, cut into crops
        train = cut(_leaves(max(2, -(-n * size ** 2 // side ** 2) // 4), side, rng_train, args), n, size, rng_train)
        held = cut(_leaves(max(1, -(-n_held * size ** 2 // side ** 2) // 4), side, rng_held, args), n_held,
                   size, rng_held)
    elif name in ("texture", "brick", "patches"):
        parts = [split_regions(im) for im in _sources(name, args)]
        train = cut([r for p in parts for r in p[0]], n, size, rng_train)
        held = cut([p[1] for p in parts], n_held, size, rng_held)
    else:
        train, held, args = _folder(name[7:], n, size, int(args["channels"]), seed)
        return PointData(name, train, held[:n_held], args)
    args["levels"] = 256
    return PointData(name, train, held, args)


def canvas_images(name: str, args: dict, n: int, seed: int = 0, side: int = CANVAS) -> list[np.ndarray]:
    """Full-size held-out images to paint on, quantised (C, H, W): the held-out block of
    each source image, or freshly generated dead leaves, at the model's pixel scale
    (digits: the held-out digits themselves)."""
    args = image_args(name, **{k: v for k, v in args.items() if k != "levels"})
    if name == "digits":
        return list(digits(int(args["size"]))[1][:n])
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(3)[2])
    if name == "deadleaves":
        return _leaves(n, side, rng, args)
    if name in ("texture", "brick", "patches"):
        blocks = [split_regions(im, side)[1] for im in _sources(name, args)]
        return [blocks[i % len(blocks)] for i in range(n)]
    raise DataError(f"{name} has no full-size held-out images; load your own PNG")


def training_regions(name: str, args: dict) -> list[np.ndarray]:
    """The rectangles training crops are drawn from, for a bundled photo set (the rest of
    each source image beside its held-out block)."""
    args = image_args(name, **{k: v for k, v in args.items() if k != "levels"})
    return [r for im in _sources(name, args) for r in split_regions(im)[0]]


def _folder(folder: str, n: int, size: int, channels: int, seed: int):
    path = Path(folder)
    if not path.is_dir():
        raise DataError(f"no such folder: {folder}")
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise DataError(f"{folder} holds no images ({', '.join(IMAGE_SUFFIXES)})")
    images = [read_image(p) for p in files]     # a broken or huge file stops with its name
    if channels not in (0, 1, 3):
        raise DataError(f"channels must be 1 or 3, got {channels}")
    if channels == 0:
        colour = any(im.shape[0] == 3 and np.ptp(im, axis=0).max() > 1e-6 for im in images)
        channels = 3 if colour else 1
    images = [quantise(to_channels(im, channels), 256) for im in images]
    if not any(im.shape[1] >= size and im.shape[2] >= size for im in images):
        raise DataError(f"no image in {folder} is at least {size}×{size} pixels")
    patches = cut(images, n + max(n // 9, 1), size, np.random.default_rng(seed))
    k = max(len(patches) // 10, 1)
    args = {"size": size, "channels": channels, "levels": 256}
    return patches[k:], patches[:k], args
