"""Command-line interface: `python main.py train|eval|sample|diffuse|pretrain ...`.

Contract: bad arguments or files exit with status 2 and one line on stderr, no traceback,
and nothing is overwritten (outputs are written atomically, after all checks)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

from .datasets import DataError
from .storage import StorageError


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2 (argparse prints usage too)
        raise UsageError(message)


def _check_out(path: str) -> str:
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise UsageError(f"output folder does not exist: {folder}")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"output folder is not writable: {folder}")
    return path


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="diffusion-explorer", description="Diffusion probabilistic models (Sohl-Dickstein et al. 2015). "
                "Without a command, opens the GUI.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    t = sub.add_parser("train", help="train a model and save it to HDF5")
    t.add_argument("--data", required=True, help="swissroll|moons|eightgaussians|checkerboard|circles|FILE.csv|FILE.npy; binary: heartbeat|bindigits; "
                   "images: digits|deadleaves|texture|patches|folder:PATH")
    t.add_argument("--noise", type=float, default=0.05, help="noise std of built-in 2-D sets, raw units")
    t.add_argument("--n", type=int, default=50000, help="training points to generate (images: patches, at most 20000)")
    t.add_argument("--size", type=int, default=None, help="image sets: patch size in pixels (default 16)")
    t.add_argument("--T", type=int, default=None, help="diffusion steps (default 40)")
    t.add_argument("--schedule", default=None, help="snr|linear|cosine|paper")
    t.add_argument("--beta1", type=float, default=None, help="the first step's β (kept fixed)")
    t.add_argument("--learn-beta", action="store_true", help="learn β_2..β_T by gradient on the bound")
    t.add_argument("--param", default=None, help="eps|paper: how the network's outputs give μ and Σ")
    t.add_argument("--steps", type=int, default=None)
    t.add_argument("--batch", type=int, default=None)
    t.add_argument("--lr", type=float, default=None)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", default="auto")
    t.add_argument("--resume", default=None, metavar="MODEL.h5", help="continue training this model")
    t.add_argument("--out", required=True)

    e = sub.add_parser("eval", help="held-out bound over all t, in bits")
    e.add_argument("--model", required=True)
    e.add_argument("--n", type=int, default=None, help="held-out points (default 20000; image models: 500 images)")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--device", default="auto")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.add_argument("--ais-k", type=int, default=100, help="AIS forward trajectories per point (0: skip AIS)")
    e.add_argument("--ais-points", type=int, default=1000, help="held-out points for the AIS estimate")
    e.add_argument("--parzen", action="store_true", help="also the Parzen-window estimate (the seed's MNIST table)")
    e.add_argument("--parzen-samples", type=int, default=2000, help="model samples for the Parzen window")

    s = sub.add_parser("sample", help="sample whole reverse trajectories")
    s.add_argument("--model", required=True)
    s.add_argument("--n", type=int, default=None, help="trajectories (default 10000; image models: 16)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--device", default="auto")
    s.add_argument("--out", required=True)

    d = sub.add_parser("diffuse", help="run the forward process on data")
    d.add_argument("--data", required=True)
    d.add_argument("--noise", type=float, default=0.05)
    d.add_argument("--n", type=int, default=10000)
    d.add_argument("--T", type=int, default=40)
    d.add_argument("--schedule", default=None)
    d.add_argument("--beta1", type=float, default=None)
    d.add_argument("--model", default=None, help="use this model's schedule and standardisation")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--out", required=True)

    from .presets import register_pretrain
    register_pretrain(sub)
    from .commands_images import register as register_images
    register_images(sub)   # inpaint, denoise
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError("no command given")
        from . import commands
        return getattr(commands, f"cmd_{args.command}")(args) or 0
    except (UsageError, StorageError, DataError, ValueError, FileNotFoundError) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130


def print_json(obj) -> None:
    print(json.dumps(obj, default=lambda o: o.tolist() if isinstance(o, np.ndarray) else str(o)))


__all__ = ["main", "build_parser", "UsageError", "_check_out", "print_json"]
