"""The .dat files round-trip exactly and their reader names the line of any fault."""

import math

import pytest
import torch

from backprop.config import RunConfig
from backprop.datfile import DatError, format_dat, parse_dat, read_dat
from backprop.problem import layer_sizes, param_names


def gradients(config, fill=None):
    g = torch.Generator().manual_seed(1)
    dtype = torch.float64 if config.dtype == "float64" else torch.float32
    out = {}
    for name, (fan_in, fan_out) in zip(param_names(config)[::2], layer_sizes(config)):
        out[name] = (torch.randn(fan_in, fan_out, generator=g) * 1e8).to(dtype)
        out["b" + name[1:]] = torch.randn(1, fan_out, generator=g).to(dtype)
    return out


def bits(t):
    return t.view({torch.float32: torch.int32, torch.float64: torch.int64}[t.dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_is_exact(dtype):
    config = RunConfig(K=2, d=3, dtype=dtype)
    grads = gradients(config)
    special = torch.tensor([-0.0, math.inf, -math.inf, 1e-45 if dtype == "float32" else 5e-324])
    grads["W1"].view(-1)[:4] = special.to(grads["W1"].dtype)
    grads["W2"].view(-1)[0] = math.nan
    grads["W2"].view(-1)[1] = torch.finfo(grads["W2"].dtype).max
    grads["W2"].view(-1)[2] = -torch.finfo(grads["W2"].dtype).max
    text = format_dat("autograd", config, grads)
    back = parse_dat(text)
    assert back.config == config and back.pass_name == "autograd"
    assert list(back.gradients) == list(grads)
    for name in grads:
        assert back.gradients[name].dtype == grads[name].dtype
        assert torch.equal(bits(back.gradients[name]), bits(grads[name])), name
    assert format_dat("autograd", config, back.gradients) == text


def test_same_config_gives_byte_identical_files(tmp_path):
    from backprop.record import write_run_files
    from backprop.run import compute_run

    first = write_run_files(compute_run(RunConfig(K=3, d=4)), tmp_path / "a")
    second = write_run_files(compute_run(RunConfig(K=3, d=4)), tmp_path / "b")
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name


@pytest.fixture(scope="module")
def good_text():
    config = RunConfig(K=2, d=3)
    return format_dat("hand-written", config, gradients(config))


def corrupt(text, old, new, count=1):
    assert old in text
    return text.replace(old, new, count)


@pytest.mark.parametrize("mangle, line, words", [
    (lambda t: "hello\n" + t, 1, "not a backprop-lab .dat file"),
    (lambda t: corrupt(t, "# pass: hand-written", "# pass: guess"), 2, "unknown pass 'guess'"),
    (lambda t: corrupt(t, "K=2 ", "K=x "), 3, "K must be a whole number"),
    (lambda t: corrupt(t, "K=2 ", "K=0 "), 3, "must be between 1 and 100"),
    (lambda t: corrupt(t, "# blocks: 6", "# blocks: 7"), 5,
     "'# blocks: 7' does not match the config, which has 6 parameter tensors"),
    (lambda t: corrupt(t, "# torch:", "# flame:"), 8, "no '# torch:' line"),
    (lambda t: corrupt(t, "grad_b1 1 3", "grad_b1 3 1"), 14, "expected the block header"),
    (lambda t: corrupt(t, "grad_W2 3 3", "grad_W9 3 3"), 17, "'grad_W2 3 3'"),
    (lambda t: [*t.split("\n")[:10], "1 2 x", ""], 11, "'x' is not a number"),
    (lambda t: [*t.split("\n")[:10], "1 2", ""], 11, "expected 3 values, found 2"),
    (lambda t: [*t.split("\n")[:11], ""], 11, "block grad_W1 ends after 2 of 3 rows"),
    (lambda t: [*t.split("\n")[:28], ""], 28, "after 5 of 6 blocks; it is truncated"),
    (lambda t: [*t.split("\n")[:11], "", *t.split("\n")[11:]], 12,
     "a blank line in block grad_W1, after 2 of 3 rows"),
    (lambda t: "<html>\n" + t[:-1], 1, "not a backprop-lab .dat file"),   # not "truncated"
    (lambda t: t + "\nextra 1 2\n", 33, "unexpected text after the last block"),
    (lambda t: t[:-1], 31, "the last line has no newline; the file is truncated"),
    (lambda t: t[:-5], 31, "the last line has no newline; the file is truncated"),
    (lambda t: [*t.split("\n")[:10], "1_000 2 3", ""], 11, "'1_000' is not a number"),
    (lambda t: [*t.split("\n")[:10], "1e99999 2 3", ""], 11, "'1e99999' is out of range"),
    (lambda t: [*t.split("\n")[:10], "infinity 2 3", ""], 11, "'infinity' is out of range"),
    (lambda t: [*t.split("\n")[:10], "1e39 2 3", ""], 11, "'1e39' is out of range for float32"),
])
def test_reader_names_the_line_of_each_fault(good_text, mangle, line, words):
    text = mangle(good_text)
    text = "\n".join(text) if isinstance(text, list) else text
    with pytest.raises(DatError) as caught:
        parse_dat(text, "my.dat")
    message = str(caught.value)
    assert message.startswith(f"my.dat, line {line}: "), message
    assert words in message and message.endswith(".") and "\n" not in message


def test_a_byte_order_mark_is_not_content(good_text, tmp_path):
    path = tmp_path / "bom.dat"
    path.write_bytes(b"\xef\xbb\xbf" + good_text.encode())
    assert read_dat(path).gradients.keys() == parse_dat(good_text).gradients.keys()


def test_reader_file_errors(tmp_path):
    with pytest.raises(DatError, match="no such file"):
        read_dat(tmp_path / "missing.dat")
    with pytest.raises(DatError, match="is a folder"):
        read_dat(tmp_path)
    binary = tmp_path / "binary.dat"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DatError, match=r"line 1: not a backprop-lab \.dat file"):
        read_dat(binary)
    binary.write_bytes(b"# backprop-lab gradients\n\xff\xfe\x00garbage")
    with pytest.raises(DatError, match="not a text file"):
        read_dat(binary)
    with pytest.raises(DatError, match="is not a regular file"):
        read_dat("/dev/zero")
    zeros = tmp_path / "zeros.dat"   # refused on its first bytes, not read whole
    with zeros.open("wb") as file:
        file.truncate(1 << 40)       # a sparse terabyte
    with pytest.raises(DatError, match=r"line 1: not a backprop-lab \.dat file"):
        read_dat(zeros)
    empty = tmp_path / "empty.dat"
    empty.write_text("")
    with pytest.raises(DatError, match="line 1: not a backprop-lab"):
        read_dat(empty)
