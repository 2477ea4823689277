"""Diffusion Explorer. `python main.py` opens the GUI; `python main.py COMMAND ...` is the
command line (train, eval, sample, diffuse, pretrain, ...; see --help)."""
import sys


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("gui", "--model"):
        from explorer.app import run_gui
        return run_gui(argv[1:] if argv and argv[0] == "gui" else argv)
    if argv[0] == "animate":           # needs Qt (offscreen): it lives in explorer/
        from explorer.recording.cli import main as animate
        return animate(argv[1:])
    from engine.cli import main as cli_main
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
