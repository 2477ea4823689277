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


@pytest.fixture(autouse=True)
def no_unsaved_questions():
    """A modal question would stop a test that trains and then closes or opens a model:
    the guard is off unless a test turns it on (tests/gui/test_classroom.py does)."""
    from explorer import settings
    from explorer.shell.unsaved_guard import ASK_KEY
    settings.set_flag(ASK_KEY, False)
    yield


@pytest.fixture(autouse=True)
def collect_between_tests(qtbot):
    """Collect cyclic garbage between tests, once the test's windows (and so their worker
    threads) are closed: left to chance, a collection on the GUI thread can free h5py or Qt
    objects while a later test's worker thread is inside h5py, which has crashed the
    interpreter (h5py objects are not safe to free concurrently with HDF5 calls)."""
    yield
    import gc
    qtbot.wait(1)
    gc.collect()


def make_window(qtbot, model_path=None, wait_for_model=True, size=(1400, 850)):
    """The window at `size` (the offscreen screen is 800×800: the window would fit itself to it)."""
    from explorer.main_window import MainWindow
    w = MainWindow(model_path=str(model_path) if model_path else None, autoplay=False, device="cpu")
    qtbot.addWidget(w)
    w.resize(*size)
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


@pytest.fixture(scope="session")
def tiny_digits_path(tmp_path_factory):
    """An 8×8 digits model, T = 8, a few training steps: an image model in seconds."""
    from tests.tiny_models import train_tiny
    return train_tiny(tmp_path_factory.mktemp("digits") / "digits8.h5", "digits", size=8, n=20000, rows=400,
                      batch=32, eval_every=4,
                      net={"kind": "multiscale", "channels": 8, "layers": 1, "J": 4, "scales": 3, "context": 2})


def answer_next_question(qtbot, guard, button_text: str, never: bool = False):
    """Click `button_text` in the unsaved guard's question as soon as it is shown (it is
    modal: the test code after the call that asks runs only once it is answered)."""
    from PySide6.QtCore import QTimer
    asked = []

    def click():
        box = guard.box
        if box is None or not box.isVisible():
            QTimer.singleShot(20, click)
            return
        asked.append(box.text())
        if never:
            box.checkBox().setChecked(True)
        next(b for b in box.buttons() if b.text().replace("&", "") == button_text).click()
    QTimer.singleShot(20, click)
    return asked
