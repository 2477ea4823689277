"""Command-line interface: `python main.py train|eval|sample|diffuse|pretrain|inpaint|denoise`.
One module per command, its parser beside its body.

Contract: bad arguments or files exit with status 2 and one line on stderr, no traceback,
and nothing is overwritten (outputs are written atomically, after all checks)."""
from __future__ import annotations

from engine.cli import diffuse, evaluate, posterior, pretrain, sample, train
from engine.cli.errors import Parser, UsageError, run_reporting

COMMANDS = (train, evaluate, sample, diffuse, pretrain, posterior)


def build_parser() -> Parser:
    p = Parser(prog="diffusion-explorer", description="Diffusion probabilistic models (Sohl-Dickstein et al. "
               "2015). Without a command, opens the GUI.",
               # animate draws with the GUI's views, so it lives in explorer/ (main.py sends it there).
               epilog="animate: record a model's diffusion to GIF or MP4 (python main.py animate --help)")
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    for module in COMMANDS:
        module.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()

    def run() -> int:
        args = parser.parse_args(argv)
        if args.command is None:
            raise UsageError("no command given")
        return args.run(args)
    return run_reporting(run)


__all__ = ["main", "build_parser", "UsageError"]
