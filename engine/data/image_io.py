"""Reading and writing image files: one library (imageio, with Pillow's header check first),
one conversion between [0, 1] floats and 8-bit levels, grey/colour conversion."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from engine.data.errors import DataError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
IMAGE_FILTER = "Images (" + " ".join(f"*{s}" for s in IMAGE_SUFFIXES) + ")"   # for file dialogs
MAX_PIXELS = 50_000_000     # refuse bigger images before decoding them


def image_size(path: str | Path, max_pixels: int = MAX_PIXELS) -> tuple[int, int] | None:
    """(width, height) from the file's header alone (None for a format Pillow does not
    know); DataError for a missing file or one over `max_pixels` (decompression bombs)."""
    from PIL import Image

    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such image: {path}")
    if path.stat().st_size == 0:
        raise DataError(f"{path.name} is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:                # reads the header only
                w, h = im.size
    except Image.DecompressionBombError:                # Pillow's own, far bigger, limit
        raise DataError(f"{path.name} is over the limit of {max_pixels / 1e6:.0f} megapixels") from None
    except Exception:
        return None                                     # not a Pillow format: let imageio try
    if w * h > max_pixels:
        raise DataError(f"{path.name} is {w}×{h} pixels, over the limit of {max_pixels / 1e6:.0f} megapixels")
    return w, h


def read_image(path: str | Path, channels: int | None = None, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """One image file -> (C, H, W) float64 in [0, 1]. An 8-bit level k reads as the centre
    of its bin, (k + 0.5)/256, which is what the dequantised training data average to.
    The header is checked before decoding: huge or broken files raise one-line DataErrors."""
    import imageio.v3 as iio

    path = Path(path)
    image_size(path, max_pixels)
    try:
        with warnings.catch_warnings():             # imageio's plugins warn about themselves
            warnings.simplefilter("ignore")
            arr = np.asarray(iio.imread(path))
    except Exception as e:      # the decoders' own words are for developers; say what it means
        why = "not an image file this app can read" if "backend" in str(e) else "damaged or truncated image data"
        raise DataError(f"cannot read image {path.name}: {why}") from None
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
