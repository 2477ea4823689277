"""What a model file may ask for: types and sane ranges for every config value, checked
before anything is allocated, so a hostile or damaged file fails in one line instead of
exhausting memory or hanging. Ranges are far above any real use of this app."""
from __future__ import annotations

import math

T_MAX = 10_000
VECTOR_DIMS_MAX = 4096
IMAGE_SIDE_MAX = 1024
CHANNELS = (1, 3)
NET_LIMITS = {
    "mlp": {"hidden": (1, 2048), "layers": (1, 16), "J": (1, 256), "time_input": bool},
    "multiscale": {"channels": (1, 256), "layers": (1, 12), "scales": (1, 6), "context": (0, 64),
                   "conv1x1": (0, 8), "J": (1, 64), "upsample": ("nearest", "bilinear")},
}


class ConfigError(ValueError):
    """A config value of the wrong type or outside its range; one line for the user."""


def _int(name: str, v, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ConfigError(f"{name} must be a whole number, got {v!r:.40}")
    if not lo <= v <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {v}")
    return v


def check_config(raw: dict) -> None:
    """Raise ConfigError unless the raw JSON config of a model is well typed and in range."""
    if not isinstance(raw.get("family", "gaussian"), str) or not isinstance(raw.get("data", ""), str):
        raise ConfigError("config.family and config.data must be text")
    args = raw.get("data_args", {})
    if not isinstance(args, dict) or not all(isinstance(v, (int, float, str, bool)) for v in args.values()):
        raise ConfigError("config.data_args must be a mapping of plain values")
    shape = raw.get("shape", [2])
    if not isinstance(shape, (list, tuple)) or len(shape) not in (1, 3):
        raise ConfigError(f"config.shape must be (d,) or (C, H, W), got {shape!r:.40}")
    if len(shape) == 1:
        _int("shape[0]", shape[0], 1, VECTOR_DIMS_MAX)
    else:
        if shape[0] not in CHANNELS or isinstance(shape[0], bool):
            raise ConfigError(f"images must have 1 or 3 channels, got {shape[0]!r:.20}")
        for s in shape[1:]:
            _int("image side", s, 2, IMAGE_SIDE_MAX)
    _int("T", raw.get("T", 40), 2, T_MAX)
    beta1 = raw.get("beta1", 1e-4)
    if isinstance(beta1, bool) or not isinstance(beta1, (int, float)) or not math.isfinite(beta1) \
            or not 0 < beta1 < 1:
        raise ConfigError(f"beta1 must be a number in (0, 1), got {beta1!r:.30}")
    if "snr_end" in raw:                 # absent (older files): the schedule's default
        snr_end = raw["snr_end"]
        if isinstance(snr_end, bool) or not isinstance(snr_end, (int, float)) or not math.isfinite(snr_end) \
                or not 0 < snr_end < 1e6:
            raise ConfigError(f"snr_end must be a positive number, got {snr_end!r:.30}")
    if not isinstance(raw.get("trainable_schedule", False), bool):
        raise ConfigError("config.trainable_schedule must be true or false")
    for key in ("schedule", "parameterisation"):
        if not isinstance(raw.get(key, ""), str):
            raise ConfigError(f"config.{key} must be text")
    net = raw.get("net", {})
    if not isinstance(net, dict) or net.get("kind", "mlp") not in NET_LIMITS:
        raise ConfigError(f"config.net must name a network kind ({', '.join(NET_LIMITS)})")
    limits = NET_LIMITS[net.get("kind", "mlp")]
    for k, v in net.items():
        if k == "kind":
            continue
        rule = limits.get(k)
        if rule is None:
            raise ConfigError(f"config.net has an unknown setting {k!r:.30}")
        if rule is bool:
            if not isinstance(v, bool):
                raise ConfigError(f"net.{k} must be true or false")
        elif isinstance(rule[0], str):
            if v not in rule:
                raise ConfigError(f"net.{k} must be one of {', '.join(rule)}")
        else:
            _int(f"net.{k}", v, *rule)
