"""What a student must be told about a run before trusting its numbers."""

from __future__ import annotations

from dataclasses import dataclass

from backprop.trace import Trace


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a run: a short kind, the layers it concerns, and a sentence."""

    kind: str                 # "dead-output", "dead-layer" or "overflow"
    layers: tuple[int, ...]   # the layers concerned, 1..K+1 (empty for the whole run)
    message: str

    @property
    def severe(self) -> bool:
        """True when the gradients cannot be trusted or prove nothing."""
        return self.kind in ("dead-output", "overflow")


def diagnose(trace: Trace) -> tuple[Diagnostic, ...]:
    """The findings of a run, most serious first."""
    found: list[Diagnostic] = []
    n = len(trace.z)
    bad = _nonfinite_layers(trace)
    if bad:
        found.append(Diagnostic("overflow", tuple(bad), (
            f"Values overflowed to inf or nan in {_layers(bad)}, so the gradients there are "
            "not numbers; use a smaller K, the kaiming init or float64.")))
    # An overflowed pre-activation (inf or nan) is not "off", even where `z > 0` fails.
    broken = {k for k in range(1, n + 1) if not bool(trace.z[k - 1].isfinite().all())}
    if n not in broken and not bool(trace.mask[-1].any()):
        found.append(Diagnostic("dead-output", (n,), (
            "The output ReLU is off (its pre-activation is <= 0), so y_pred = 0 and every "
            "gradient is exactly 0: the passes agree trivially; try another seed.")))
    dead = [k for k in range(1, n) if k not in broken and not bool(trace.mask[k - 1].any())]
    if dead:
        found.append(Diagnostic("dead-layer", tuple(dead), (
            f"Every unit of hidden {_layers(dead)} is off, so its output is 0 and no "
            "gradient flows below it: the weights just above it and every parameter at "
            "and below it get a gradient of exactly 0.")))
    return tuple(found)


def _layers(layers: list[int]) -> str:
    """'layer 3', 'layers 1-4 and 7': consecutive layers folded into ranges."""
    runs: list[list[int]] = []
    for k in layers:
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    parts = [f"{r[0]}" if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return ("layer " if len(layers) == 1 else "layers ") + text


def _nonfinite_layers(trace: Trace) -> list[int]:
    layers = []
    for k in range(1, len(trace.z) + 1):
        tensors = (trace.z[k - 1], trace.grad_W[k - 1], trace.grad_b[k - 1], trace.delta[k - 1])
        if not all(bool(t.isfinite().all()) for t in tensors):
            layers.append(k)
    return layers
