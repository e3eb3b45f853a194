"""While a user's script runs: the line creating each node, the tensor each node made, and
the nn.Module whose forward created it.

Anomaly mode stores every node's forward stack (check_nan=False: a nan in the script's own
backward() is theirs to see, not an error of ours). A TorchFunctionMode keeps each torch
call's output by the node that created it, so a record can show its forward value, and
tags the nodes it created with the innermost nn.Module running (global module hooks keep
the stack of running modules).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch.nn.modules import module as nn_module
from torch.overrides import TorchFunctionMode

MODULE_KEY = "module_"  # node.metadata key: id() of the module that created the node

KEEP_BYTES = 256 * 2**20  # outputs kept, at most: a training loop must not keep every step


class _Keeper(TorchFunctionMode):
    """Keeps the outputs of torch calls that have a grad_fn, by id(grad_fn), and tags the
    nodes each call created with the innermost module running (metadata["module_"])."""

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[int, torch.Tensor] = {}
        self.room = KEEP_BYTES
        self.modules: list[int] = []  # id() of the modules whose forward is running

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        outputs = list(_tensors(out))
        before = {id(t.grad_fn) for t in _tensors((args, kwargs)) if t.grad_fn is not None}
        _tag(outputs, self.modules[-1] if self.modules else None, before)
        for tensor in outputs:
            if (self.room > 0 and tensor.grad_fn is not None
                    and id(tensor.grad_fn) not in self.made):
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


def _tag(values: list[torch.Tensor], owner: int | None, before: set[int]) -> None:
    """Tag the nodes one call created (behind its outputs, short of its inputs' nodes)."""
    todo = [t.grad_fn for t in values if t.grad_fn is not None]
    while todo:
        node = todo.pop()
        if (node is None or id(node) in before or MODULE_KEY in node.metadata
                or hasattr(node, "variable")):
            continue
        node.metadata[MODULE_KEY] = owner
        todo += [fn for fn, _ in node.next_functions]


@contextmanager
def recording() -> Iterator[dict[int, torch.Tensor]]:
    """Run the block under anomaly mode, collecting id(node) -> the tensor it created."""
    keeper = _Keeper()

    def enter(module: torch.nn.Module, args: tuple) -> None:
        keeper.modules.append(id(module))

    def leave(module: torch.nn.Module, args: tuple, output: object) -> None:
        if keeper.modules and keeper.modules[-1] == id(module):
            keeper.modules.pop()

    hooks = (nn_module.register_module_forward_pre_hook(enter),
             nn_module.register_module_forward_hook(leave, always_call=True))
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


def module_types(namespace: dict[str, object]) -> dict[str, str]:
    """Each module's class by the name module_names() gives it ('fc': 'Linear')."""
    named: dict[int, tuple[str, str]] = {}
    for value in namespace.values():
        if isinstance(value, torch.nn.Module):
            for name, module in value.named_modules():
                named.setdefault(id(module), (name, type(module).__name__))
    return {name: kind for name, kind in named.values() if name}


def module_of(node: object, names: dict[int, str]) -> str | None:
    """The name of the module that created `node` ('layer1.0.conv1'); None outside any."""
    if hasattr(node, "variable"):
        return names.get(id(node.variable)) or None
    metadata = getattr(node, "metadata", None)
    owner = metadata.get(MODULE_KEY) if isinstance(metadata, dict) else None
    return names.get(owner) or None if owner is not None else None
