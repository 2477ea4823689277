"""The damaged and hostile inputs of the fuzz suite (tests/test_fuzz_inputs.py): each case
makes its files in a folder and returns the command line that must be refused. Kept apart
from the test so the list reads as a catalogue."""
from __future__ import annotations

import shutil
import struct
import zlib

import numpy as np

BIG = str(10 ** 9)


def png(path, a):
    import imageio.v3 as iio
    iio.imwrite(path, np.asarray(a, np.uint8))


def png_header(path, w, h):
    """A PNG whose header declares w×h pixels, with almost no data behind it."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))


def flip(path, n=40, seed=0, start=0, end=None):
    data = bytearray(path.read_bytes())
    for i in np.random.default_rng(seed).integers(start, end or len(data), n):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def truncate(path, frac=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * frac)])


def good_points(n=200, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 2))


def npy_declaring(path, shape, dtype="<f8"):
    """An .npy header declaring `shape` with 16 bytes of data behind it."""
    header = repr({"descr": dtype, "fortran_order": False, "shape": tuple(shape)}).encode()
    header += b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
    path.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + b"\0" * 16)


# ---- data files for `train --data` -----------------------------------------------------------
def _csv(text):
    def make(d):
        (d / "pts.csv").write_text(text)
        return "pts.csv"
    return make


def _npy(arr):
    def make(d):
        np.save(d / "pts.npy", arr, allow_pickle=False)
        return "pts.npy"
    return make


def _npy_raw(fn):
    def make(d):
        fn(d / "pts.npy")
        return "pts.npy"
    return make


def _npy_then(fn):
    def make(d):
        np.save(d / "pts.npy", good_points(400))
        fn(d / "pts.npy")
        return "pts.npy"
    return make


def _sparse_csv(d):
    with open(d / "pts.csv", "wb") as f:
        f.truncate(1 << 30)                    # 1 GB of (sparse) zero bytes
    return "pts.csv"


rows = "\n".join(f"{x:.3f},{y:.3f}" for x, y in good_points())
DATA = {
    "csv 3 columns": (_csv("x,y,z\n" + "\n".join("1,2,3" for _ in range(50))), "3 columns|shape"),
    "csv ragged rows": (_csv(rows + "\n1,2,3\n"), "columns"),
    "csv NaN": (_csv(rows + "\nnan,1\n"), "NaN"),
    "csv inf": (_csv(rows + "\ninf,1\n"), "infinite"),
    "csv empty": (_csv(""), "empty"),
    "csv text": (_csv("hello world\nthis is not,data\n" * 20), "points|columns"),
    "csv truncated line": (_csv(rows + "\n1.0,"), "NaN|columns"),
    "csv binary garbage": (_csv("\x00\x01\xff" * 300), "points|read|shape"),
    "csv 1 GB": (_sparse_csv, "MB"),
    "csv 5 points": (_csv("\n".join("1,2" for _ in range(5))), "at least 10"),
    "csv constant": (_csv("\n".join("1,2" for _ in range(50))), "spread"),
    "npy 3 columns": (_npy(np.zeros((50, 3))), "shape"),
    "npy 1-D": (_npy(np.zeros(100)), "shape"),
    "npy 3-D": (_npy(np.zeros((10, 2, 2))), "shape"),
    "npy structured": (_npy(np.zeros(50, dtype=[("x", "f8"), ("y", "f8")])), "plain numbers"),
    "npy complex": (_npy(np.zeros((50, 2), complex)), "plain numbers"),
    "npy strings": (_npy(np.full((50, 2), "a")), "plain numbers"),
    "npy NaN": (_npy(np.vstack([good_points(), [[np.nan, 0]]])), "NaN"),
    "npy inf": (_npy(np.vstack([good_points(), [[np.inf, 0]]])), "infinite"),
    "npy empty": (_npy(np.zeros((0, 2))), "at least 10"),
    "npy truncated": (_npy_then(truncate), "truncated|readable"),
    "npy header bit flips": (_npy_then(lambda p: flip(p, 6, seed=3, start=8, end=60)), "npy|shape|numbers|truncated"),
    "npy declares 10^10 rows": (_npy_raw(lambda p: npy_declaring(p, (10 ** 10, 2))), "declares"),
    "npy declares 10^6 rows": (_npy_raw(lambda p: npy_declaring(p, (10 ** 6, 2))), "truncated"),
    "npy object (pickle)": (_npy_raw(lambda p: npy_declaring(p, (2, 2), "|O")), "plain numbers"),
    "npy not numpy": (_npy_raw(lambda p: p.write_bytes(b"PK\x03\x04 not an npy")), "npy"),
}


# ---- images and masks for inpaint/denoise -----------------------------------------------------
def image_files(d, size=16):
    rng = np.random.default_rng(0)
    png(d / "img.png", rng.integers(0, 256, (size, size)))
    m = np.zeros((size, size), np.uint8)
    m[4:9, 5:11] = 255
    png(d / "mask.png", m)


def _img(fn):
    def make(d):
        image_files(d)
        fn(d)
    return make


IMAGES = {   # name: (make(d), which command, extra args, needle)
    "image truncated": (_img(lambda d: truncate(d / "img.png", 0.4)), "inpaint", [], "img.png"),
    "image bit flips": (_img(lambda d: flip(d / "img.png", 30, start=40)), "denoise", [], "img.png"),
    "image header bit flips": (_img(lambda d: flip(d / "img.png", 4, seed=2, start=1)), "inpaint", [], "img.png"),
    "image is text": (_img(lambda d: (d / "img.png").write_text("not a picture")), "denoise", [], "img.png"),
    "image empty": (_img(lambda d: (d / "img.png").write_bytes(b"")), "inpaint", [], "img.png"),
    "image 1 px": (_img(lambda d: png(d / "img.png", [[7]])), "denoise", [], "2×2"),
    "image 1 px inpaint": (_img(lambda d: (png(d / "img.png", [[7]]), png(d / "mask.png", [[255]]))),
                           "inpaint", [], "2×2"),
    "image bomb header": (_img(lambda d: png_header(d / "img.png", 30000, 30000)), "denoise", [], "megapixels"),
    "image 49 MP header": (_img(lambda d: png_header(d / "img.png", 7000, 7000)), "denoise", [], "memory"),
    "mask truncated": (_img(lambda d: truncate(d / "mask.png", 0.4)), "inpaint", [], "mask.png"),
    "mask wrong size": (_img(lambda d: png(d / "mask.png", np.full((10, 12), 255))), "inpaint", [], "mask is"),
    "mask bomb header": (_img(lambda d: png_header(d / "mask.png", 30000, 30000)), "inpaint", [], "megapixels"),
    "mask 49 MP header": (_img(lambda d: png_header(d / "mask.png", 7000, 7000)), "inpaint", [], "mask is"),
    "mask all black": (_img(lambda d: png(d / "mask.png", np.zeros((16, 16)))), "inpaint", [], "no pixel"),
    "mask missing": (_img(lambda d: (d / "mask.png").unlink()), "inpaint", [], "no such"),
    "inpaint --n 10^7": (image_files, "inpaint", ["--n", str(10 ** 7)], "memory"),
    "denoise --n 10^9": (image_files, "denoise", ["--n", BIG], "memory"),
    "inpaint --resample 10^9 times": (image_files, "inpaint", ["--resample", "2", BIG], "--resample"),
    "denoise --snr 0": (image_files, "denoise", ["--snr", "0"], "--snr"),
    "inpaint --stride 0": (image_files, "inpaint", ["--stride", "0"], "--stride"),
    "inpaint --max-memory -1": (image_files, "inpaint", ["--max-memory", "-1"], "--max-memory"),
}


def copy_model(src, d, name="m.h5"):
    shutil.copy(src, d / name)
    return name
