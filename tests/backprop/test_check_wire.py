"""The child's messages: arrays arrive as sent, and garbage is refused, never unpickled."""

import os
import struct

import pytest
import torch

from backprop.check.wire import Reader, WireError, send


def sent(header, tensors=None) -> bytes:
    read, write = os.pipe()
    send(write, header, tensors)
    os.close(write)
    data = b""
    while chunk := os.read(read, 1 << 16):
        data += chunk
    os.close(read)
    return data


def test_tensors_arrive_bit_for_bit_in_pieces_of_any_size():
    tensors = {"W1": torch.randn(3, 4), "b1": torch.randn(1, 4, dtype=torch.float64)}
    data = sent({"kind": "result", "index": 2}, tensors) * 2
    reader = Reader(max_bytes=1000)
    got = []
    for at in range(0, len(data), 7):
        got += reader.feed(data[at:at + 7])
    assert len(got) == 2
    header, arrived = got[1]
    assert header["kind"] == "result" and header["index"] == 2
    assert all(torch.equal(arrived[k], tensors[k]) and arrived[k].dtype == tensors[k].dtype
               for k in tensors)


def frame(header: bytes) -> bytes:
    return struct.pack(">I", len(header)) + header


@pytest.mark.parametrize("data", [
    frame(b"\x80\x04K\x01."),                                           # a pickle
    struct.pack(">I", 2 << 20),                                             # a huge header
    frame(b'{"tensors": [["W", "object", [1]]]}'),                         # not a float type
    frame(b'{"tensors": [["W", "float32", [-1]]]}'),
    frame(b'{"tensors": [["W", "float32", [10000000]]]}'),                 # past max_bytes
])
def test_garbage_is_refused(data):
    with pytest.raises(WireError):
        Reader(max_bytes=1000).feed(data)
