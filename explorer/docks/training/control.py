"""Turns the training panel's requests into Train/Cancel commands and the worker's training
events into plots and button states. Pause = Cancel("train") (the model keeps its optimiser
state); Resume = Train with model_config=None; Start = Train with a new model config.
Binary and image sets go as TrainNamed: the worker builds the data, the GUI never waits.

Settings of new models (next_model.py): the chosen data set's presets unless the user
changed them for that kind of data; opening a model changes none of them, and the panel
says which values Start will send. Also here: K of the open model (the one stored with it
at once, then a fresh evaluation, each saying what it was computed on), AIS estimates beside
K, and the learned β_t drawn live on the Schedule dock."""
from __future__ import annotations

import math
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
from .next_model import NextModel

IMAGE_REFRESH_S = 10.0    # fresh reverse samples while training images: they cost seconds
UNITS = {"image": "bits/pixel", "binary": "bits/seq", "points": "bits/point"}


class TrainingControl:
    def __init__(self, panel, client, state: AppState, data, schedule, *, on_error: Callable[[str], None],
                 on_status: Callable[[str], None], image_samples: Callable[[], int],
                 may_replace: Callable[[str], bool] = lambda what: True):
        """panel: the Training dock's panel; data, schedule: the Data and Schedule docks' panels;
        image_samples: how many samples the Images workspace shows (refreshed while training);
        may_replace(what): asked before Start new replaces a trained, unsaved model."""
        self.panel, self.client, self.state, self.data, self.schedule = panel, client, state, data, schedule
        self.on_error, self.on_status, self.image_samples = on_error, on_status, image_samples
        self.may_replace = may_replace
        self._stopping = False
        self._pending = False              # a Start was sent; its ModelChanged is a fresh model
        self._model_id = 0
        self._filling = False              # the boxes are being set from NextModel, not by the user
        self.next = NextModel()
        self.ais = AisOverlay(panel.plots.bound_plot)
        # One "learn β" choice, shown in both the Training and the Schedule panel.
        panel.learn_beta.setChecked(schedule.learn.isChecked())
        panel.learn_beta.toggled.connect(schedule.learn.setChecked)
        schedule.learn.toggled.connect(panel.learn_beta.setChecked)
        self.boxes = {"T": (schedule.T, schedule.T.valueChanged, schedule.T.value),
                      "schedule": (schedule.kind, schedule.kind.currentTextChanged, schedule.kind.currentText),
                      "learn": (schedule.learn, schedule.learn.toggled, schedule.learn.isChecked),
                      "steps": (panel.steps, panel.steps.valueChanged, panel.steps.value),
                      "lr": (panel.lr, panel.lr.valueChanged, panel.lr.value),
                      "batch": (panel.batch, panel.batch.valueChanged, panel.batch.value),
                      "seed": (panel.seed, panel.seed.valueChanged, panel.seed.value),
                      "width": (panel.hidden, panel.hidden.valueChanged, panel.hidden.value)}
        for field, (_, changed, value) in self.boxes.items():
            changed.connect(lambda *_, f=field, v=value: self._edited(f, v()))
        panel.reset_presets.clicked.connect(self.reset_presets)
        data.selectedChanged.connect(lambda name: self.show_presets())
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
        self.show_presets()

    def take_pending(self) -> bool:
        """Whether the model that just opened is the one a Start asked for (asked once)."""
        pending, self._pending = self._pending, False
        return pending

    @property
    def family(self) -> str:
        return self.data.family

    # ---- the next model's settings ------------------------------------------------------
    def show_presets(self) -> None:
        """Fill the boxes with what the next new model on the chosen data set will use."""
        name = self.data.selected
        values = self.next.values(name)
        self._filling = True
        try:
            self.schedule.set_defaults(replace(model_defaults(name), T=values["T"], schedule=values["schedule"],
                                               trainable_schedule=values["learn"]), show=True)
            for field in ("steps", "lr", "batch", "seed", "width"):
                self.boxes[field][0].setValue(values[field])
        finally:
            self._filling = False
        self.panel.set_family(self.family)
        self._summary()

    def reset_presets(self) -> None:
        self.next.reset(self.data.selected)
        self.show_presets()

    def _edited(self, field: str, value) -> None:
        if not self._filling:
            self.next.edit(self.data.selected, field, value)
            self._summary()

    def _summary(self) -> None:
        label = "channels" if self.family == "image" else "hidden units"
        self.panel.next_model.setText(self.next.summary(self.data.selected, label))
        self.panel.reset_presets.setEnabled(bool(self.next.edited(self.data.selected)))

    def preview(self, name: str) -> None:
        """Ask the worker for a few items of a chosen binary/image set (not while it trains)."""
        if not self.client.is_running("train"):
            self.client.submit(m.MakeData(name=name, n=64, keep=16, tag="preview", args=self.data.named_args()))

    # ---- the configs sent ---------------------------------------------------------------
    def model_config(self, name: str):
        """Presets for the data, with what the panels show: width, T, schedule, learn β."""
        s, base = self.schedule.choice(), model_defaults(name)
        width = "channels" if base.net.get("kind") == "multiscale" else "hidden"   # next_model.width
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
        if self.state.has_model and not self.may_replace("training a new model"):
            return
        dp = self.data
        if dp.family != "points":
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
        """A model opened (after the workspaces, which show its data set in the Data dock)."""
        self.panel.set_device(info.device)
        if info.model_id != self._model_id:
            self._model_id = info.model_id
            self.ais.reset()
        self.panel.learn_beta.setEnabled(info.config.get("family") != "binomial")   # a fixed schedule
        if new and not info.from_training:     # its stored curves, in its family's unit
            self.panel.set_unit(info.kind)
            self.panel.plots.set_history(dict(info.history))
            self.panel.set_mode("idle", True)
            self.panel.set_bound_text(self.stored_bound_text(info))

    def stored_bound_text(self, info: ModelInfo) -> str:
        """K as stored with the model, shown at once: a fresh evaluation takes seconds."""
        bounds, steps = info.history.get("bound_bits") or [], info.history.get("step") or []
        unit = UNITS.get(info.kind, "bits")
        if not bounds:
            return f"K: evaluating the bound of this model ({unit})…"
        step = f" at step {int(steps[-1]):,}" if steps else ""
        return (f"K = {float(bounds[-1]):.3f} {unit} on held-out {info.config.get('data', 'data')} "
                f"(stored with the model{step}) · evaluating again…")

    def on_event(self, ev) -> None:
        if isinstance(ev, m.DataReady) and ev.train is not None:
            text = f"{ev.name}: {ev.n_train:,} training items of shape {tuple(ev.train.shape[1:])}"
            self.data.show_preview(ev.name, preview_grid(ev.train), text)
        elif isinstance(ev, m.AisEstimate) and ev.model_id == self._model_id:
            self.ais.add(ev.step, ev.ais_bits, ev.ais_stderr_bits)

    def on_progress(self, ev: m.TrainProgress) -> None:
        if ev.model_id != self.state.model.model_id:
            return
        self.state.bound_data = "the run's held-out data"
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
        unit = UNITS.get(self.state.model.kind, r.get("unit", "bits"))
        se = r.get("K_stderr_bits", float("nan"))
        spread = f" ± {se:.3f}" if math.isfinite(se) else ""     # a few held-out crops: say how few
        self.panel.set_bound_text(
            f"K = {r.get('K_bits', float('nan')):.3f}{spread} {unit} "
            f"(K − L<sub>null</sub> = {r.get('K_minus_Lnull_bits', float('nan')):.3f}) "
            f"on {self.state.bound_data or 'held-out ' + self.state.model.config.get('data', 'data')}")

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

