"""Turns the training panel's requests into Train/Cancel commands and the worker's training
events into plots and button states. Pause = Cancel("train") (the model keeps its optimiser
state); Resume = Train with model_config=None; Start = Train with a new model config.
Binary and image sets go as TrainNamed: the worker builds the data, the GUI never waits.

Settings of new models come from engine.presets for the chosen data set: the panels show
them and Start sends what they show, so an untouched panel sends the presets exactly. Each
family keeps what the user set in its panel (presets the first time). Also here: AIS
estimates beside K, and the learned β_t drawn live on the Schedule dock."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from engine.runtime import protocol as m
from engine.data.catalogue import kind_of
from engine.data.errors import DataError
from engine.data.points import validate_points
from engine.data.split import split_points
from engine.presets import model_defaults, train_defaults

from ...state import AppState, ModelInfo
from ...widgets.image_grid import preview_grid
from .ais_overlay import AisOverlay

IMAGE_REFRESH_S = 10.0    # fresh reverse samples while training images: they cost seconds


class TrainingControl:
    def __init__(self, panel, client, state: AppState, data, schedule, *, on_error: Callable[[str], None],
                 on_status: Callable[[str], None], image_samples: Callable[[], int]):
        """panel: the Training dock's panel; data, schedule: the Data and Schedule docks' panels;
        image_samples: how many samples the Images workspace shows (refreshed while training)."""
        self.panel, self.client, self.state, self.data, self.schedule = panel, client, state, data, schedule
        self.on_error, self.on_status, self.image_samples = on_error, on_status, image_samples
        self._stopping = False
        self._pending = False              # a Start was sent; its ModelChanged is a fresh model
        self._model_id = 0
        self.family = data.family          # of the data chosen for the next new model
        self._saved: dict[str, tuple] = {}  # family -> (steps, lr, batch, width) as last set
        self.ais = AisOverlay(panel.plots.bound_plot)
        self.show_presets()
        # One "learn β" choice, shown in both the Training and the Schedule panel.
        panel.learn_beta.setChecked(schedule.learn.isChecked())
        panel.learn_beta.toggled.connect(schedule.learn.setChecked)
        schedule.learn.toggled.connect(panel.learn_beta.setChecked)
        data.familyChanged.connect(lambda fam, user: self.sync_family(user))
        data.namedChosen.connect(self.preview)
        panel.startRequested.connect(self.start)
        panel.pauseRequested.connect(self.pause)
        panel.resumeRequested.connect(self.resume)
        panel.stopRequested.connect(self.stop)
        client.event.connect(self.on_event)
        client.trainProgress.connect(self.on_progress)
        client.boundResult.connect(self.on_bound)
        client.jobStarted.connect(self.on_started)
        client.jobFinished.connect(self.on_finished)
        client.jobFailed.connect(self.on_failed)

    def take_pending(self) -> bool:
        """Whether the model that just opened is the one a Start asked for (asked once)."""
        pending, self._pending = self._pending, False
        return pending

    # ---- presets and families -------------------------------------------------------------
    def show_presets(self) -> None:
        """Every setting of the next new model shows the presets of the chosen data set."""
        name, p = self.data.selected, self.panel
        mc, tc = model_defaults(name), train_defaults(name)
        for box, v in ((p.steps, tc.steps), (p.lr, tc.lr), (p.batch, tc.batch), (p.seed, tc.seed),
                       (p.hidden, _width(mc))):
            box.setValue(v)
        self.schedule.set_defaults(mc, show=True)
        self.family = self.data.family
        p.set_family(self.family)

    def sync_family(self, user: bool = False) -> None:
        """The data panel's family changed: swap the panel's settings to that family's (and,
        when the user chose the data, the schedule's to its presets; a model that opened
        keeps the schedule it brought)."""
        name, fam, p = self.data.selected, self.data.family, self.panel
        self.schedule.set_defaults(model_defaults(name), show=user)
        if fam == self.family:
            return
        self._saved[self.family] = (p.steps.value(), p.lr.value(), p.batch.value(), p.hidden.value())
        if fam in self._saved:
            values = self._saved[fam]
        else:
            tc = train_defaults(name)
            values = (tc.steps, tc.lr, tc.batch, _width(model_defaults(name)))
        for box, v in zip((p.steps, p.lr, p.batch, p.hidden), values):
            box.setValue(v)
        self.family = fam
        p.set_family(fam)       # the width's label; the bound's unit follows the model shown

    def preview(self, name: str) -> None:
        """Ask the worker for a few items of a chosen binary/image set (not while it trains)."""
        if not self.client.is_running("train"):
            self.client.submit(m.MakeData(name=name, n=64, keep=16, tag="preview", args=self.data.named_args()))

    # ---- the configs sent ---------------------------------------------------------------
    def model_config(self, name: str):
        """Presets for the data, with what the panels show: width, T, schedule, learn β."""
        s, base = self.schedule.choice(), model_defaults(name)
        width = "channels" if base.net.get("kind") == "multiscale" else "hidden"
        return replace(base, T=s["T"], schedule=s["schedule"], trainable_schedule=s["trainable_schedule"],
                       net=dict(base.net, **{width: self.panel.hidden.value()}))

    def train_config(self, name: str, steps: int | None = None):
        """Presets for the data, with the panel's steps/lr/batch/seed. The bound is evaluated
        ~12 times a run (~6 for images: every t for every held-out image costs seconds) and
        progress reported every 10 steps: how the GUI follows a run, not a model setting."""
        p = self.panel
        n = steps or p.steps.value()
        every = max(n // (6 if kind_of(name) == "image" else 12), 10)
        return replace(train_defaults(name), steps=n, batch=p.batch.value(), lr=p.lr.value(), seed=p.seed.value(),
                       eval_every=every, report_every=10)

    def _points(self) -> tuple[np.ndarray, np.ndarray] | None:
        pts = self.state.data.points
        try:
            pts = validate_points(pts if pts is not None else np.zeros((0, 2)), "the current data")
        except DataError as e:
            self.on_error(str(e))
            return None
        data = split_points(pts, self.state.data.name, self.panel.seed.value())   # the CLI's split too
        return data.train, data.heldout

    def _send_named(self, name: str, args: dict, steps: int | None, model_config) -> None:
        self._stopping = False
        image = kind_of(name) == "image"
        n_show = self.image_samples() if image else 200
        self.client.submit(m.TrainNamed(
            name=name, config=self.train_config(name, steps), data_args=dict(args),
            n=self.data.n.value(), model_config=model_config,
            refresh_seconds=IMAGE_REFRESH_S if image else 3.0, refresh_n=n_show,
            show_forward=(1 if image else 200) if model_config is not None else 0))
        self.panel.set_mode("training")

    def _send(self, data, config, model_config) -> None:
        self._stopping = False
        train, held = data
        self.client.submit(m.Train(train=train, heldout=held, config=config, model_config=model_config,
                                   refresh_seconds=3.0, refresh_n=self.data.n.value(),
                                   show=self.state.data.points if model_config is not None else None))
        self.panel.set_mode("training")

    # ---- requests -----------------------------------------------------------------------
    def start(self) -> None:
        dp = self.data
        if dp.family != "points":
            self.sync_family()
            name = dp.selected
            self.panel.plots.reset()
            self.panel.set_unit(dp.family)
            self._pending = True
            self._send_named(name, dp.named_args(), None, self.model_config(name))
            return
        data = self._points()
        if data is None:
            return
        name = self.state.data.name
        cfg = replace(self.model_config(name), data_args={"noise": self.state.data.noise})
        self.panel.plots.reset()
        self.panel.set_unit("points")
        self._pending = True
        self._send(data, self.train_config(name), cfg)

    def resume(self) -> None:
        if not self.state.has_model:
            self.on_error("no model to train: Start a new one first")
            return
        steps = self.panel.remaining if self.panel.mode == "paused" and self.panel.remaining else None
        model = self.state.model
        if model.kind != "points":
            cfg = model.config
            self._send_named(cfg.get("data", ""), cfg.get("data_args", {}), steps, None)
            return
        data = self._points()
        if data is None:
            return
        self._send(data, self.train_config(self.state.data.name, steps), None)

    def pause(self) -> None:
        self.client.cancel("train")

    def stop(self) -> None:
        self._stopping = True
        self.panel.remaining = 0
        if self.client.is_running("train"):
            self.client.cancel("train")
        else:
            self.panel.set_mode("idle", self.state.has_model)

    # ---- events -----------------------------------------------------------------------
    def on_model(self, info: ModelInfo, new: bool) -> None:
        """A model opened (the window calls this before the workspaces hear of it)."""
        self.panel.set_device(info.device)
        if info.model_id != self._model_id:
            self._model_id = info.model_id
            self.ais.reset()
        self.panel.learn_beta.setEnabled(info.config.get("family") != "binomial")   # a fixed schedule
        if new and not info.from_training:     # its stored curves, in its family's unit
            self.panel.set_unit(info.kind)
            self.panel.plots.set_history(dict(info.history))
            self.panel.set_mode("idle", True)

    def on_event(self, ev) -> None:
        if isinstance(ev, m.DataReady) and ev.train is not None:
            text = f"{ev.name}: {ev.n_train:,} training items of shape {tuple(ev.train.shape[1:])}"
            self.data.show_preview(ev.name, preview_grid(ev.train), text)
        elif isinstance(ev, m.AisEstimate) and ev.model_id == self._model_id:
            self.ais.add(ev.step, ev.ais_bits, ev.ais_stderr_bits)

    def on_progress(self, ev: m.TrainProgress) -> None:
        if ev.model_id != self.state.model.model_id:
            return
        self.panel.plots.add(ev.step, ev.loss, ev.bound_bits, ev.per_step_kl_bits)
        self.panel.show_progress(ev)
        self.panel.set_device(ev.device)
        if ev.beta is not None:        # a learned schedule, drawn as it moves
            self.schedule.show_betas(ev.beta)
        self.on_status(f"training · step {ev.step:,}/{ev.total:,} · loss {ev.loss:.3f}")

    def on_bound(self, ev: m.BoundResult) -> None:
        if ev.model_id != self.state.model.model_id:
            return
        r = ev.report
        if r.get("per_step_kl_bits"):
            self.panel.plots.set_kl(r["per_step_kl_bits"])
        self.panel.progress.setText(
            f"K = {r.get('K_bits', float('nan')):.3f} {r.get('unit', 'bits')} "
            f"(K − L_null = {r.get('K_minus_Lnull_bits', float('nan')):.3f}) on the current data")

    def on_started(self, ev: m.JobStarted) -> None:
        if ev.kind == "train":
            self.panel.set_mode("training")

    def on_finished(self, ev: m.JobFinished) -> None:
        if ev.kind != "train":
            return
        paused = ev.cancelled and not self._stopping
        if not paused:
            self.panel.remaining = 0
        self.panel.set_mode("paused" if paused else "idle", self.state.has_model)
        self.panel.progress.setText(self.panel.progress.text() + (" · paused" if paused else
                                    " · stopped" if ev.cancelled else " · done"))

    def on_failed(self, ev: m.JobFailed) -> None:
        if ev.kind == "train":
            self._pending = False
            self.panel.set_mode("idle", self.state.has_model)


def _width(config) -> int:
    """The net's width: channels of a multi-scale net, hidden units of an MLP."""
    return config.net.get("channels", config.net.get("hidden"))
