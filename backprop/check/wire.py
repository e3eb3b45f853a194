"""Messages from the child process that runs the student's code: framed JSON and raw bytes.

Never pickle: the child runs untrusted code, and unpickling what it sends could run code
here. A message is a 4-byte length, a JSON object, then the raw bytes of the arrays its
"tensors" list describes (name, dtype, shape), which the parent checks before use.
"""

from __future__ import annotations

import json
import os
import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the parent imports torch only once results come
    import torch

MAX_HEADER = 1 << 20


class WireError(Exception):
    """The child sent something that is not a message of ours."""


def send(fd: int, header: dict, tensors: dict[str, torch.Tensor] | None = None) -> None:
    """Write one message to `fd`."""
    tensors = tensors or {}
    header = {**header, "tensors": [[name, str(t.dtype).removeprefix("torch."), list(t.shape)]
                                    for name, t in tensors.items()]}
    data = json.dumps(header).encode()
    parts = [struct.pack(">I", len(data)), data]
    parts += [t.contiguous().numpy().tobytes() for t in tensors.values()]
    payload = b"".join(parts)
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


class Reader:
    """Parses the messages out of the bytes read from the child, as they arrive."""

    def __init__(self, max_bytes: int) -> None:
        """`max_bytes`: the most array data one message may announce (more is garbage)."""
        self.buffer = bytearray()
        self.max_bytes = max_bytes

    def feed(self, data: bytes) -> list[tuple[dict, dict[str, torch.Tensor]]]:
        """Add bytes; return every message now complete."""
        self.buffer += data
        found = []
        while True:
            message = self._take()
            if message is None:
                return found
            found.append(message)

    def _take(self) -> tuple[dict, dict[str, torch.Tensor]] | None:
        if len(self.buffer) < 4:
            return None
        (length,) = struct.unpack(">I", self.buffer[:4])
        if length > MAX_HEADER:
            raise WireError("a message header is too long")
        if len(self.buffer) < 4 + length:
            return None
        import torch

        dtypes = {"float32": torch.float32, "float64": torch.float64}
        try:
            header = json.loads(bytes(self.buffer[4:4 + length]))
            specs = [(str(name), dtypes[dtype], tuple(int(s) for s in shape))
                     for name, dtype, shape in header["tensors"]]
        except (ValueError, KeyError, TypeError) as err:
            raise WireError(f"a message cannot be read ({err})") from None
        sizes = [_numel(shape) * torch.empty((), dtype=dtype).element_size()
                 for _, dtype, shape in specs]
        if sum(sizes) > self.max_bytes:
            raise WireError(f"a message announces {sum(sizes):,} bytes of arrays")
        end = 4 + length + sum(sizes)
        if len(self.buffer) < end:
            return None
        tensors, at = {}, 4 + length
        for (name, dtype, shape), size in zip(specs, sizes):
            raw = bytes(self.buffer[at:at + size])
            tensors[name] = torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape) \
                if size else torch.empty(shape, dtype=dtype)
            at += size
        del self.buffer[:end]
        return header, tensors


def _numel(shape: tuple[int, ...]) -> int:
    count = 1
    for size in shape:
        if size < 0:
            raise WireError("a negative size")
        count *= size
    return count
