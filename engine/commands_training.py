"""What `train` shares for every kind of data: the command-line overrides of the presets,
and the training loop behind a tqdm progress bar."""
from __future__ import annotations

from dataclasses import replace

from . import presets
from .training import TrainConfig, train


def model_overrides(cfg, args):
    """The preset ModelConfig with --T, --schedule, --beta1, --param and --learn-beta applied."""
    cfg = replace(cfg, **{k: v for k, v in (("T", args.T), ("schedule", args.schedule), ("beta1", args.beta1),
                                            ("parameterisation", args.param)) if v is not None})
    return replace(cfg, trainable_schedule=True) if args.learn_beta else cfg


def train_config(model, args, device) -> TrainConfig:
    """The data set's preset TrainConfig with --steps, --batch, --lr and --seed applied."""
    return replace(presets.train_defaults(model.config.data), seed=args.seed, device=str(device),
                   **{k: v for k, v in (("steps", args.steps), ("batch", args.batch), ("lr", args.lr)) if v is not None})


def train_with_bar(model, x_train, x_held, tcfg: TrainConfig) -> None:
    """Train on standardised data, showing steps, loss and the latest held-out bound."""
    from tqdm import tqdm

    bar = tqdm(total=tcfg.steps, unit="step", dynamic_ncols=True, desc=f"train {model.config.data}")
    last, bound = model.step, None
    for p in train(model, x_train, x_held, tcfg):
        bar.update(p.step - last)
        last = p.step
        bound = p.bound_bits if p.bound_bits is not None else bound
        bar.set_postfix(loss=f"{p.loss:.3f}", K=f"{bound:.3f}" if bound is not None else "…", refresh=False)
    bar.close()
