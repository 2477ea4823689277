"""Entry point of the GUI: `python main.py [--model PATH] [--device D]`."""
from __future__ import annotations

import argparse
import sys


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="diffusion-explorer", description="Diffusion Explorer GUI")
    p.add_argument("--model", default=None, help="open this model (HDF5) instead of the bundled Swiss roll")
    p.add_argument("--device", default="auto", help="auto|cpu|cuda|mps")
    p.add_argument("--presentation", action="store_true",
                   help="start in presentation mode: larger fonts, full screen (F11 leaves full screen)")
    return p.parse_args(argv)


def create_app():
    from PySide6.QtWidgets import QApplication

    from . import settings, theme
    app = QApplication.instance() or QApplication(["diffusion-explorer"])
    app.setOrganizationName(settings.ORG)
    app.setApplicationName(settings.APP)
    theme.apply(app)
    return app


def run_gui(argv: list[str] | None = None) -> int:
    args = parse(list(argv or []))
    app = create_app()
    from .main_window import MainWindow
    window = MainWindow(model_path=args.model, device=args.device)
    window.show()
    if args.presentation:
        window.views.presentation.setChecked(True)
    code = app.exec()
    window.deleteLater()
    del window
    return int(code)


if __name__ == "__main__":
    sys.exit(run_gui(sys.argv[1:]))
