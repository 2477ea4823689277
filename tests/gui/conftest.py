"""GUI test set-up: offscreen Qt, settings in a temporary folder, and a window opened on
the session's tiny model (tests/conftest.py trains it; nothing depends on assets/)."""
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def temp_settings(tmp_path_factory):
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path_factory.mktemp("settings")))
    from explorer import theme
    theme.configure_pyqtgraph()


def make_window(qtbot, model_path=None, wait_for_model=True):
    from explorer.main_window import MainWindow
    w = MainWindow(model_path=str(model_path) if model_path else None, autoplay=False, device="cpu")
    qtbot.addWidget(w)
    w.show()
    if wait_for_model:
        qtbot.waitUntil(lambda: w.points.state.forward is not None and w.points.state.reverse is not None,
                        timeout=20000)
    return w


@pytest.fixture
def window(qtbot, tiny_model_path):
    w = make_window(qtbot, tiny_model_path)
    yield w
    w.close()


def tiny_training(w, steps=60, n=400):
    """Settings for a seconds-long training run on a CPU."""
    w.schedule_panel.T.setValue(10)
    w.training_panel.hidden.setValue(32)
    w.training_panel.steps.setValue(steps)
    w.training_panel.batch.setValue(128)
    w.data_panel.n.setValue(n)
