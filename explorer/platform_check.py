"""Before `make run` opens a window: can Qt load a platform plugin here? If not, say which
Debian packages are missing instead of Qt's own riddle ("could not load the Qt platform
plugin xcb ... no Qt platform plugin could be initialized")."""
from __future__ import annotations

import os
import subprocess
import sys

APT_LINE = ("sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 "
            "libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libegl1 "
            "libgl1 libfontconfig1 libdbus-1-3")

PROBE = "from PySide6.QtWidgets import QApplication; app = QApplication([]); print('ok')"


def check(timeout: float = 30.0) -> tuple[bool, str]:
    """(ok, message). Runs the probe in a subprocess: a failed plugin load aborts Qt."""
    try:
        r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "Qt did not start within 30 s"
    if r.returncode == 0 and "ok" in r.stdout:
        return True, ""
    err = r.stderr
    platform = os.environ.get("QT_QPA_PLATFORM", "xcb")
    if "platform plugin" in err or "libxcb" in err or "libEGL" in err or "libxkbcommon" in err:
        hint = ("Qt cannot open a window on this machine: its platform plugin "
                f"'{platform}' is missing system libraries. On Debian/Ubuntu install them with:\n  {APT_LINE}")
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            hint += ("\nNo display was found either (DISPLAY is not set): run under a desktop session, "
                     "or `xvfb-run make run` (apt-get install xvfb), or set QT_QPA_PLATFORM=offscreen.")
        return False, hint
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    return False, "Qt failed to start: " + (lines[-1] if lines else f"exit status {r.returncode}")


def main() -> int:
    ok, message = check()
    if not ok:
        print(message, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
