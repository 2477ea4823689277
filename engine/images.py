"""Image data sets, all offline: digits, dead leaves, a natural texture, colour patches,
and a user folder. Values are quantised to `levels` grey levels in [0, 1): a pixel of
level k holds k/L, and `dequantise` adds U(0, 1/L) so a continuous density can be fitted
(the paper's treatment of 8-bit data). Shapes are (n, C, H, W); standardisation is per
channel, a scalar mean and std of shape (C, 1, 1) that broadcast over H and W."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from .datasets import DataError, PointData

IMAGE_SETS = ("digits", "deadleaves", "texture", "patches")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
IMAGE_FILTER = "Images (" + " ".join(f"*{s}" for s in IMAGE_SUFFIXES) + ")"   # for file dialogs
MAX_PIXELS = 50_000_000     # refuse bigger images before decoding them
TEXTURES = ("grass", "gravel", "brick")                 # grey, bundled inside scikit-image
COLOUR_IMAGES = ("astronaut", "coffee", "chelsea", "rocket")   # colour, bundled too
DEFAULT_ARGS = {
    "digits": {"size": 16},
    "deadleaves": {"size": 16, "rmin": 1.0, "rmax": 16.0},
    "texture": {"size": 16, "source": "grass", "downscale": 2},
    "patches": {"size": 16, "downscale": 2},
    "folder": {"size": 16, "channels": 0},      # channels 0: colour if any image is
}


def is_image_data(name: str) -> bool:
    return name in IMAGE_SETS or str(name).startswith("folder:")


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


def dead_leaves(n: int, size: int, rng: np.random.Generator, rmin: float = 1.0,
                rmax: float = 16.0) -> np.ndarray:
    """Occluding discs with radius pdf ∝ r^-3 on [rmin, rmax] (scale invariant, as natural
    images are) and uniform grey levels, dropped until the patch is covered."""
    if not 0 < rmin < rmax:
        raise DataError(f"dead leaves need 0 < rmin < rmax, got {rmin}, {rmax}")
    lo, hi = rmin ** -2, rmax ** -2
    mean_area = np.pi * 2 * rmin ** 2 * np.log(rmax / rmin) / (1 - (rmin / rmax) ** 2)
    pad = 2.0
    region = (size + 2 * pad) ** 2
    k = int(np.ceil(6 * region / mean_area)) + 8           # leaves e^-6 of the area uncovered
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    img = rng.uniform(0, 1, (n, 1, 1)) * np.ones((n, size, size))
    for _ in range(k):
        cx, cy = (rng.uniform(-pad, size + pad, (2, n, 1, 1)))
        r = (lo - rng.uniform(0, 1, (n, 1, 1)) * (lo - hi)) ** -0.5
        grey = rng.uniform(0, 1, (n, 1, 1))
        img = np.where((xx - cx) ** 2 + (yy - cy) ** 2 < r ** 2, grey, img)
    return quantise(img, 256)[:, None]


def _pool(img: np.ndarray, f: int) -> np.ndarray:
    """(H, W, ...) block mean by f (crops to a multiple of f)."""
    if f <= 1:
        return img.astype(np.float64)
    H, W = img.shape[0] // f * f, img.shape[1] // f * f
    img = img[:H, :W].astype(np.float64)
    return img.reshape(H // f, f, W // f, f, *img.shape[2:]).mean((1, 3))


def _cut(images: list[np.ndarray], n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """n random size×size patches from (C, H, W) images, picked in proportion to area."""
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


def _split_rows(im: np.ndarray, held: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Top rows for training, bottom rows held out: patches never overlap across the split."""
    cut = int(round(im.shape[1] * (1 - held)))
    return im[:, :cut], im[:, cut:]


def _bundled(names, grey: bool, f: int) -> list[np.ndarray]:
    import skimage.data

    out = []
    for name in names:
        im = getattr(skimage.data, name)()              # these ship inside scikit-image
        im = _pool(im, f)
        im = np.floor(im) / 256.0                       # 8-bit levels k/256 after pooling
        out.append(im[None] if grey else np.moveaxis(im[..., :3], -1, 0))
    return out


def make_images(name: str, n: int = 20000, seed: int = 0, n_heldout: int | None = None,
                **overrides) -> PointData:
    """A built-in image set or `folder:PATH`: quantised (n, C, H, W) in [0, 1), args with
    "levels". Held-out data never overlaps training data (fixed splits, disjoint image
    regions, or independent random streams)."""
    if not is_image_data(name):
        raise DataError(f"unknown image data set {name!r}; choose from {', '.join(IMAGE_SETS)} or folder:PATH")
    args = image_args(name, **overrides)
    size = int(args["size"])
    if not 4 <= size <= 256 or size % 4:
        raise DataError(f"image size must be a multiple of 4 between 4 and 256, got {size}")
    n_held = n_heldout or max(min(n // 10, 2000), 200)
    rng_train, rng_held = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    if name == "digits":
        train, held = digits(size)
        args["levels"] = 17
    elif name == "deadleaves":
        train = dead_leaves(n, size, rng_train, args["rmin"], args["rmax"])
        held = dead_leaves(n_held, size, rng_held, args["rmin"], args["rmax"])
        args["levels"] = 256
    elif name in ("texture", "patches"):
        if name == "texture" and args["source"] not in TEXTURES:
            raise DataError(f"unknown texture {args['source']!r}; choose from {', '.join(TEXTURES)}")
        names = (args["source"],) if name == "texture" else COLOUR_IMAGES
        parts = [_split_rows(im) for im in _bundled(names, name == "texture", int(args["downscale"]))]
        train = _cut([p[0] for p in parts], n, size, rng_train)
        held = _cut([p[1] for p in parts], n_held, size, rng_held)
        args["levels"] = 256
    else:
        train, held, args = _folder(name[7:], n, size, int(args["channels"]), seed)
    return PointData(name, train, held[:n_held], args)


# ---- user images -----------------------------------------------------------------------
def read_image(path: str | Path, channels: int | None = None, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """One image file -> (C, H, W) float64 in [0, 1]. An 8-bit level k reads as the centre
    of its bin, (k + 0.5)/256, which is what the dequantised training data average to.
    The header is checked before decoding: huge or broken files raise one-line DataErrors."""
    import imageio.v3 as iio
    from PIL import Image

    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such image: {path}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:                # reads the header only
                w, h = im.size
    except Image.DecompressionBombError:                # Pillow's own, far bigger, limit
        raise DataError(f"{path.name} is over the limit of {max_pixels / 1e6:.0f} megapixels") from None
    except Exception:
        w = h = None                                    # not a Pillow format: let imageio try
    if w is not None and w * h > max_pixels:
        raise DataError(f"{path.name} is {w}×{h} pixels, over the limit of {max_pixels / 1e6:.0f} megapixels")
    try:
        arr = np.asarray(iio.imread(path))
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise DataError(f"cannot read image {path.name}: {msg[:120]}") from None
    if arr.ndim == 3 and arr.shape[0] > 1 and arr.shape[-1] not in (1, 3, 4):
        arr = arr[0]                                    # animated GIF/TIFF stack: first frame
    if arr.ndim not in (2, 3) or arr.size == 0 or arr.size > max_pixels * 4:
        raise DataError(f"{path.name}: not a still grey or colour image (shape {arr.shape})")
    if arr.dtype == np.uint8:
        x = (arr.astype(np.float64) + 0.5) / 256.0
    elif arr.dtype == np.uint16:
        x = (arr.astype(np.float64) + 0.5) / 65536.0
    elif arr.dtype == bool:
        x = arr.astype(np.float64)
    else:
        x = arr.astype(np.float64)
        if not np.isfinite(x).all():
            raise DataError(f"{path.name} contains NaN or infinite values")
        x = np.clip(x / (255.0 if x.max() > 1.0 else 1.0), 0.0, 1.0)
    x = x[None] if x.ndim == 2 else np.moveaxis(x[..., :3] if x.shape[-1] >= 3 else x[..., :1], -1, 0)
    return to_channels(x, channels) if channels else x


def to_channels(x: np.ndarray, channels: int) -> np.ndarray:
    """(C, H, W) -> grey (luminance, Rec. 601 as skimage's rgb2gray) or RGB (repeated)."""
    if x.shape[0] == channels:
        return x
    if channels == 1:
        return (x[:3] * np.array([0.2125, 0.7154, 0.0721])[:, None, None]).sum(0, keepdims=True)
    if channels == 3:
        return np.repeat(x[:1], 3, 0)
    raise DataError(f"cannot convert {x.shape[0]}-channel images to {channels} channels")


def read_mask(path: str | Path) -> np.ndarray:
    """A mask image -> (H, W) bool, True where missing (white)."""
    return read_image(path, channels=1)[0] > 0.5


def to_uint8(x: np.ndarray) -> np.ndarray:
    """[0, 1] -> 8-bit levels (the inverse of read_image for 8-bit files)."""
    return np.clip(np.floor(np.asarray(x) * 256.0), 0, 255).astype(np.uint8)


def write_png(path: str | Path, x: np.ndarray) -> None:
    """A (C, H, W) image in [0, 1] (C = 1 or 3) to an 8-bit PNG."""
    import imageio.v3 as iio

    x = np.asarray(x)
    iio.imwrite(path, to_uint8(x[0] if x.shape[0] == 1 else np.moveaxis(x, 0, -1)))


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
    patches = _cut(images, n + max(n // 9, 1), size, np.random.default_rng(seed))
    k = max(len(patches) // 10, 1)
    args = {"size": size, "channels": channels, "levels": 256}
    return patches[k:], patches[:k], args
