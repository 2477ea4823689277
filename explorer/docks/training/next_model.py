"""What the next new model will be trained with, as plain Python (no Qt): each setting is
the chosen data set's preset (engine.presets) unless the user changed it for that kind of
data (2-D points, binary, images); a model that opens changes none of them. The Training
dock shows summary(), so nobody has to guess which values Start will use."""
from __future__ import annotations

from engine.data.catalogue import kind_of
from engine.presets import model_defaults, train_defaults

# name: (label in the summary, format)
FIELDS = {"T": ("T", "{}"), "schedule": ("schedule", "{}"), "learn": ("learn β", "{}"),
          "steps": ("steps", "{:,}"), "lr": ("lr", "{:g}"), "batch": ("batch", "{}"), "seed": ("seed", "{}"),
          "width": ("width", "{}")}


def presets(name: str) -> dict:
    mc, tc = model_defaults(name), train_defaults(name)
    return {"T": mc.T, "schedule": mc.schedule, "learn": bool(mc.trainable_schedule), "steps": tc.steps,
            "lr": tc.lr, "batch": tc.batch, "seed": tc.seed, "width": width(mc)}


def width(config) -> int:
    """The net's width: channels of a multi-scale net, hidden units of an MLP."""
    return config.net.get("channels", config.net.get("hidden"))


class NextModel:
    def __init__(self):
        self.edits: dict[str, dict] = {}      # kind of data -> {field: value the user set}

    def values(self, name: str) -> dict:
        return {**presets(name), **self.edits.get(kind_of(name), {})}

    def edit(self, name: str, field: str, value) -> None:
        """The user set `field`; setting it back to the preset forgets the edit."""
        mine = self.edits.setdefault(kind_of(name), {})
        if value == presets(name)[field]:
            mine.pop(field, None)
        else:
            mine[field] = value

    def reset(self, name: str) -> None:
        self.edits.pop(kind_of(name), None)

    def edited(self, name: str) -> list[str]:
        return [f for f in FIELDS if f in self.edits.get(kind_of(name), {})]

    def summary(self, name: str, width_label: str = "hidden units") -> str:
        """One line of rich text: the data set and every value Start new will send, the
        user's own in bold, and where the rest come from."""
        v, mine = self.values(name), set(self.edited(name))
        parts = []
        for f, (label, fmt) in FIELDS.items():
            if f == "learn" and not v[f]:
                continue
            text = label if f == "learn" else f"{width_label if f == 'width' else label} {fmt.format(v[f])}"
            parts.append(f"<b>{text}</b>" if f in mine else text)
        source = "your values in bold, the rest" if mine else "all"
        shown = name.split(":", 1)[-1].rsplit("/", 1)[-1] if ":" in name else name
        return f"Start new: <b>{shown}</b> · {' · '.join(parts)} <i>({source} {shown}'s presets)</i>"
