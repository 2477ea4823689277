"""`pretrain`: regenerate the bundled models in assets/models/, reproducibly from a seed."""
from __future__ import annotations

from pathlib import Path

import torch

from engine import presets
from engine.cli import train
from engine.cli.errors import Parser, UsageError


def register(sub) -> None:
    p = sub.add_parser("pretrain", help="regenerate the bundled models in assets/models/")
    p.add_argument("names", nargs="*", help=f"which (default: all of {', '.join(presets.PRETRAINED)})")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps-scale", type=float, default=1.0, help="scale every model's training steps")
    p.add_argument("--device", default="auto")
    p.add_argument("--out-dir", default=str(presets.ASSETS))
    p.set_defaults(run=cmd_pretrain)


def cmd_pretrain(args) -> int:
    names = args.names or list(presets.PRETRAINED)
    unknown = [n for n in names if n not in presets.PRETRAINED]
    if unknown:
        raise UsageError(f"unknown model {unknown[0]!r}; choose from {', '.join(presets.PRETRAINED)}")
    out_dir = Path(args.out_dir)
    if not out_dir.is_dir():
        raise UsageError(f"output folder does not exist: {out_dir}")
    for name in names:
        torch.manual_seed(args.seed)   # each model the same whether made alone or in a batch
        scale, data_args = presets.PRETRAINED[name]
        steps = int(presets.train_defaults(name).steps * scale * args.steps_scale)
        argv = ["train", "--data", name, "--n", "50000", "--steps", str(steps), "--seed", str(args.seed),
                "--device", args.device, "--out", str(out_dir / f"{name}.h5")]
        argv += [f"--{k}={v}" for k, v in data_args.items()]
        ns = _train_parser().parse_args(argv)     # the train command's own defaults for the rest
        ns.run(ns)
    return 0


def _train_parser() -> Parser:
    p = Parser(prog="pretrain")
    train.register(p.add_subparsers(dest="command", parser_class=Parser))
    return p
