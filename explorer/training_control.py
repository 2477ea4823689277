"""Turns the training panel's requests into Train/Cancel commands and the worker's training
events into plots and button states. Pause = Cancel("train") (the model keeps its optimiser
state); Resume = Train with model_config=None; Start = Train with a new model config."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine import messages as m
from engine.datasets import DataError, validate_points
from engine.presets import model_defaults

HELD_OUT = 0.1


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
        self.panel.startRequested.connect(self.start)
        self.panel.pauseRequested.connect(self.pause)
        self.panel.resumeRequested.connect(self.resume)
        self.panel.stopRequested.connect(self.stop)
        c = window.client
        c.trainProgress.connect(self.on_progress)
        c.jobStarted.connect(self.on_started)
        c.jobFinished.connect(self.on_finished)
        c.jobFailed.connect(self.on_failed)

    @property
    def training(self) -> bool:
        return self.w.client.is_running("train") or self.panel.mode == "training"

    def _data(self) -> tuple[np.ndarray, np.ndarray] | None:
        pts = self.w.state.data.points
        try:
            pts = validate_points(pts if pts is not None else np.zeros((0, 2)), "the current data")
        except DataError as e:
            self.w.show_error(str(e))
            return None
        return split(pts, self.panel.seed.value())

    def start(self) -> None:
        data = self._data()
        if data is None:
            return
        s, name = self.w.schedule_panel.choice(), self.w.state.data.name
        net = dict(model_defaults(name).net, hidden=self.panel.hidden.value())
        cfg = replace(model_defaults(name), T=s["T"], schedule=s["schedule"], beta1=s["beta1"],
                      trainable_schedule=s["trainable_schedule"], net=net,
                      data_args={"noise": self.w.state.data.noise})
        self.panel.plots.reset()
        self.new_model_pending = True
        self._send(data, self.panel.train_config(), cfg)

    def resume(self) -> None:
        if not self.w.state.has_model:
            self.w.show_error("no model to train: Start a new one first")
            return
        data = self._data()
        if data is None:
            return
        steps = self.panel.remaining if self.panel.mode == "paused" and self.panel.remaining else None
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
