"""Turns the training panel's requests into Train/Cancel commands and the worker's training
events into plots and button states. Pause = Cancel("train") (the model keeps its optimiser
state); Resume = Train with model_config=None; Start = Train with a new model config.
Binary and image sets go as TrainNamed: the worker builds the data, the GUI never waits.
Each family keeps its own steps/lr/batch/width in the panel (presets the first time)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine import messages as m
from engine.datasets import DataError, validate_points
from engine.jobs_data import family_of
from engine.presets import model_defaults, train_defaults

from .views.image_grid import preview_grid

HELD_OUT = 0.1
FAMILY_DATA = {"points": "swissroll", "binary": "heartbeat", "image": "digits"}   # for presets
IMAGE_REFRESH_S = 10.0    # fresh reverse samples while training images: they cost seconds


def split(points: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """90/10 train/held-out split of the current points."""
    idx = np.random.default_rng(seed).permutation(len(points))
    k = max(int(len(points) * HELD_OUT), 2)
    return points[idx[k:]], points[idx[:k]]


class TrainingControl:
    def __init__(self, window):
        self.w = window
        self.panel = window.training_panel
        self._stopping = False
        self.new_model_pending = False     # a Start was sent; its ModelChanged is a fresh model
        self.family = "points"             # of the data chosen for the next new model
        self._saved: dict[str, tuple] = {}  # family -> (steps, lr, batch, width) as last set
        window.data_panel.familyChanged.connect(lambda fam, user: self.sync_family(user))
        window.data_panel.namedChosen.connect(self.preview)
        window.client.event.connect(self._data_ready)
        self.panel.startRequested.connect(self.start)
        self.panel.pauseRequested.connect(self.pause)
        self.panel.resumeRequested.connect(self.resume)
        self.panel.stopRequested.connect(self.stop)
        c = window.client
        c.trainProgress.connect(self.on_progress)
        c.jobStarted.connect(self.on_started)
        c.jobFinished.connect(self.on_finished)
        c.jobFailed.connect(self.on_failed)

    def _data(self) -> tuple[np.ndarray, np.ndarray] | None:
        pts = self.w.state.data.points
        try:
            pts = validate_points(pts if pts is not None else np.zeros((0, 2)), "the current data")
        except DataError as e:
            self.w.show_error(str(e))
            return None
        return split(pts, self.panel.seed.value())

    # ---- families -----------------------------------------------------------------------
    def sync_family(self, user: bool = False) -> None:
        """The data panel's family changed: swap the panel's settings to that family's (and,
        when the user chose it, the schedule's T to its preset)."""
        fam = self.w.data_panel.family
        if fam == self.family:
            return
        p = self.panel
        self._saved[self.family] = (p.steps.value(), p.lr.value(), p.batch.value(), p.hidden.value())
        if fam in self._saved:
            steps, lr, batch, width = self._saved[fam]
        else:
            mc, tc = model_defaults(FAMILY_DATA[fam]), train_defaults(FAMILY_DATA[fam])
            steps, lr, batch = tc.steps if fam != "points" else p.steps.value(), tc.lr, tc.batch
            width = mc.net.get("channels", mc.net.get("hidden", p.hidden.value()))
        for box, v in ((p.steps, steps), (p.lr, lr), (p.batch, batch), (p.hidden, width)):
            box.setValue(v)
        if user and fam != "points":
            self.w.schedule_panel.T.setValue(model_defaults(FAMILY_DATA[fam]).T)
        self.family = fam
        p.set_family(fam)       # the width's label; the bound's unit follows the model shown

    def preview(self, name: str) -> None:
        """Ask the worker for a few items of a chosen binary/image set (not while it trains)."""
        if not self.w.client.is_running("train"):
            self.w.client.submit(m.MakeData(name=name, n=64, keep=16, tag="preview",
                                            args=self.w.data_panel.named_args()))

    def _data_ready(self, ev) -> None:
        if isinstance(ev, m.DataReady) and ev.train is not None:
            text = f"{ev.name}: {ev.n_train:,} training items of shape {tuple(ev.train.shape[1:])}"
            self.w.data_panel.show_preview(ev.name, preview_grid(ev.train), text)

    def _named_configs(self, name: str):
        """Presets for the data, with the panels' steps/lr/batch/seed/width/T/schedule."""
        p, s = self.panel, self.w.schedule_panel.choice()
        base = model_defaults(name)
        width = "channels" if base.net.get("kind") == "multiscale" else "hidden"
        return replace(base, T=s["T"], schedule=s["schedule"], trainable_schedule=s["trainable_schedule"],
                       net=dict(base.net, **{width: p.hidden.value()}))

    def _named_train_config(self, name: str, steps: int | None = None):
        p, tc = self.panel, train_defaults(name)
        n = steps or p.steps.value()
        # Image bounds cost seconds (every t for every held-out image): ~6 a run.
        every = max(n // (6 if family_of(name) == "image" else 12), 10)
        return replace(tc, steps=n, batch=p.batch.value(), lr=p.lr.value(), seed=p.seed.value(),
                       eval_every=every, report_every=10)

    def _send_named(self, name: str, args: dict, steps: int | None, model_config) -> None:
        self._stopping = False
        image = family_of(name) == "image"
        ws = self.w.workspaces.get("image")
        n_show = ws.n.value() if image and hasattr(ws, "n") else 16 if image else 200
        self.w.client.submit(m.TrainNamed(
            name=name, config=self._named_train_config(name, steps), data_args=dict(args),
            n=self.w.data_panel.n.value(), model_config=model_config,
            refresh_seconds=IMAGE_REFRESH_S if image else 3.0, refresh_n=n_show,
            show_forward=(1 if image else 200) if model_config is not None else 0))
        self.panel.set_mode("training")

    # ---- requests -----------------------------------------------------------------------
    def start(self) -> None:
        dp = self.w.data_panel
        if dp.family != "points":
            self.sync_family()
            name = dp.selected
            self.panel.plots.reset()
            self.panel.set_unit(dp.family)
            self.new_model_pending = True
            self._send_named(name, dp.named_args(), None, self._named_configs(name))
            return
        data = self._data()
        if data is None:
            return
        # 2-D data also take the Schedule panel's β₁ (image and binary sets keep their preset's).
        cfg = replace(self._named_configs(self.w.state.data.name), beta1=self.w.schedule_panel.choice()["beta1"],
                      data_args={"noise": self.w.state.data.noise})
        self.panel.plots.reset()
        self.panel.set_unit("points")
        self.new_model_pending = True
        self._send(data, self.panel.train_config(), cfg)

    def resume(self) -> None:
        if not self.w.state.has_model:
            self.w.show_error("no model to train: Start a new one first")
            return
        steps = self.panel.remaining if self.panel.mode == "paused" and self.panel.remaining else None
        model = self.w.state.model
        if model.kind != "points":
            cfg = model.config
            self._send_named(cfg.get("data", ""), cfg.get("data_args", {}), steps, None)
            return
        data = self._data()
        if data is None:
            return
        self._send(data, self.panel.train_config(steps), None)

    def _send(self, data, config, model_config) -> None:
        self._stopping = False
        train, held = data
        self.w.client.submit(m.Train(train=train, heldout=held, config=config, model_config=model_config,
                                     refresh_seconds=3.0, refresh_n=self.w.data_panel.n.value(),
                                     show=self.w.state.data.points if model_config is not None else None))
        self.panel.set_mode("training")

    def pause(self) -> None:
        self.w.client.cancel("train")

    def stop(self) -> None:
        self._stopping = True
        self.panel.remaining = 0
        if self.w.client.is_running("train"):
            self.w.client.cancel("train")
        else:
            self.panel.set_mode("idle", self.w.state.has_model)

    # ---- events -----------------------------------------------------------------------
    def show_history(self, info, history: dict) -> None:
        """A model opened: its stored curves, in its family's unit."""
        self.panel.set_unit(info.kind)
        self.panel.plots.set_history(dict(history))

    def on_progress(self, ev: m.TrainProgress) -> None:
        if ev.model_id != self.w.state.model.model_id:
            return
        self.panel.plots.add(ev.step, ev.loss, ev.bound_bits, ev.per_step_kl_bits)
        self.panel.show_progress(ev)
        self.panel.set_device(ev.device)
        self.w.set_engine_text(f"training · step {ev.step:,}/{ev.total:,} · loss {ev.loss:.3f}")

    def on_started(self, ev: m.JobStarted) -> None:
        if ev.kind == "train":
            self.panel.set_mode("training")

    def on_finished(self, ev: m.JobFinished) -> None:
        if ev.kind != "train":
            return
        paused = ev.cancelled and not self._stopping
        if not paused:
            self.panel.remaining = 0
        self.panel.set_mode("paused" if paused else "idle", self.w.state.has_model)
        self.panel.progress.setText(self.panel.progress.text() + (" · paused" if paused else
                                    " · stopped" if ev.cancelled else " · done"))

    def on_failed(self, ev: m.JobFailed) -> None:
        if ev.kind == "train":
            self.new_model_pending = False
            self.panel.set_mode("idle", self.w.state.has_model)
