"""While a user's script runs: the line creating each node, the tensor each node made, and
the nn.Module whose forward created it.

Anomaly mode stores every node's forward stack (check_nan=False: a nan in the script's own
backward() is theirs to see, not an error of ours). A TorchFunctionMode keeps each torch
call's output by the node that created it, so a record can show its forward value. Global
module hooks tag each node with the innermost module that was running when it was made.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import torch
from torch.nn.modules import module as nn_module
from torch.overrides import TorchFunctionMode

MODULE_KEY = "module_"  # node.metadata key: id() of the module that created the node

KEEP_BYTES = 256 * 2**20  # outputs kept, at most: a training loop must not keep every step


class _Keeper(TorchFunctionMode):
    """Keeps the outputs of torch calls that have a grad_fn, by id(grad_fn)."""

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[int, torch.Tensor] = {}
        self.room = KEEP_BYTES

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for tensor in out if isinstance(out, (tuple, list)) else (out,):
            if (self.room > 0 and isinstance(tensor, torch.Tensor)
                    and tensor.grad_fn is not None and id(tensor.grad_fn) not in self.made):
                self.made[id(tensor.grad_fn)] = tensor
                self.room -= tensor.numel() * tensor.element_size()
        return out


def _tensors(value: object) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _tensors(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors(item)


def _tag(values: Iterable[torch.Tensor], owner: int | None) -> None:
    """Tag every untagged node behind `values` with `owner`; a tagged node stops the walk."""
    todo = [t.grad_fn for t in values if t.grad_fn is not None]
    while todo:
        node = todo.pop()
        if node is None or MODULE_KEY in node.metadata or hasattr(node, "variable"):
            continue
        node.metadata[MODULE_KEY] = owner
        todo += [fn for fn, _ in node.next_functions]


def _before(module: torch.nn.Module, args: tuple) -> None:
    _tag(_tensors(args), None)  # made before this module ran: not its nodes


def _after(module: torch.nn.Module, args: tuple, output: object) -> None:
    _tag(_tensors(output), id(module))  # inner modules finish first and tag theirs first


@contextmanager
def recording() -> Iterator[dict[int, torch.Tensor]]:
    """Run the block under anomaly mode, collecting id(node) -> the tensor it created."""
    keeper = _Keeper()
    hooks = (nn_module.register_module_forward_pre_hook(_before),
             nn_module.register_module_forward_hook(_after))
    try:
        with torch.autograd.set_detect_anomaly(True, check_nan=False), keeper:
            yield keeper.made
    finally:
        for hook in hooks:
            hook.remove()


def module_names(namespace: dict[str, object]) -> dict[int, str]:
    """id(module) and id(parameter) -> the module's name as named_modules() gives it."""
    names: dict[int, str] = {}
    for value in namespace.values():
        if isinstance(value, torch.nn.Module):
            for name, module in value.named_modules():
                names.setdefault(id(module), name)
                for param in module.parameters(recurse=False):
                    names.setdefault(id(param), name)
    return names


def module_of(node: object, names: dict[int, str]) -> str | None:
    """The name of the module that created `node` ('layer1.0.conv1'); None outside any."""
    if hasattr(node, "variable"):
        return names.get(id(node.variable)) or None
    metadata = getattr(node, "metadata", None)
    owner = metadata.get(MODULE_KEY) if isinstance(metadata, dict) else None
    return names.get(owner) or None if owner is not None else None
