"""The homework's own files (print(tensor) text) and numpy.savetxt output, read for compare."""

import contextlib
import io

import numpy as np
import pytest
import torch

from backprop.tensortext import KNOWN, TensorTextError, parse_printed, parse_savetxt
from cli.gradreport import main

SAMPLE = ("tensor([[-5.53375e+08, 0.00000e+00, 7.07888e+08, 1.68588e+08, -4.91744e+08, "
          "0.00000e+00, 0.00000e+00, 0.00000e+00, 4.88407e+08, 3.73732e+05]])")


def printed(*tensors: torch.Tensor) -> str:
    return "\n".join(str(t) for t in tensors) + "\n"


def test_the_homework_s_sample_line_reads_as_one_tensor():
    (tensor,) = parse_printed(SAMPLE)
    assert tensor.shape == (1, 10) and tensor.dtype == torch.float32
    assert float(tensor[0, 0]) == float(np.float32(-5.53375e08))


def test_several_tensors_as_print_writes_them_with_what_follows_them():
    generator = torch.Generator().manual_seed(0)
    tensors = [torch.randn(3, 4, generator=generator) * 1e8,
               torch.randn(1, 4, generator=generator, dtype=torch.float64),
               torch.randn(2, 2, generator=generator).requires_grad_() * 2,
               torch.tensor([[float("nan"), float("inf")]])]
    with torch.no_grad():
        torch.set_printoptions(precision=8)
        try:
            text = printed(*tensors)
        finally:
            torch.set_printoptions(profile="default")
    found = parse_printed(text)
    assert [t.shape for t in found] == [t.shape for t in tensors]
    assert [t.dtype for t in found] == [torch.float32, torch.float64, torch.float32,
                                        torch.float32]
    assert torch.allclose(found[0], tensors[0], rtol=1e-8)
    assert found[3][0, 0].isnan() and found[3][0, 1].isinf()


def test_a_summarised_tensor_is_refused_with_how_to_print_it_whole():
    with pytest.raises(TensorTextError, match=r"line 4: torch printed this tensor summarised "
                                              r".*set_printoptions\(profile='full'\)"):
        parse_printed(printed(torch.zeros(2000, 3)))


@pytest.mark.parametrize("number", ["1_0", "٣", "1e", "0x10", "infinity"])
def test_numbers_are_strict_ascii(number):
    with pytest.raises(TensorTextError, match="line 1"):
        parse_printed(f"tensor([[1.0, {number}]])")
    with pytest.raises(TensorTextError, match="line 2"):
        parse_savetxt(f"1.0 2.0\n1.0 {number}\n")


def test_savetxt_output_reads_back_exactly():
    values = np.random.default_rng(0).normal(size=(3, 4)) * 1e8
    for delimiter in (" ", ","):
        buffer = io.StringIO()
        np.savetxt(buffer, values, delimiter=delimiter, header="my_grad_w")
        assert torch.equal(parse_savetxt(buffer.getvalue()), torch.from_numpy(values))


def compare(*paths) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["compare", *map(str, paths)])
    return status, out.getvalue(), err.getvalue()


def test_compare_reads_the_homework_s_files_with_the_same_exit_codes(tmp_path):
    mine, theirs, other = tmp_path / "my_grad_w.txt", tmp_path / "torch_grad_w.txt", \
        tmp_path / "other.txt"
    weights = [torch.full((2, 3), 1.5e8), torch.full((3, 1), -2.25)]
    mine.write_text(printed(*weights))
    theirs.write_text(printed(*weights))
    other.write_text(printed(weights[0], weights[1] * 1.01))
    assert compare(mine, theirs)[0] == 0
    status, stdout, _ = compare(mine, other)
    assert status == 1 and "tensor 2" in stdout
    saved = tmp_path / "saved.txt"
    np.savetxt(saved, weights[0].numpy())
    assert compare(saved, saved)[0] == 0


def test_compare_says_which_formats_it_knows_and_when_files_do_not_match(tmp_path):
    junk, one, two = tmp_path / "notes.md", tmp_path / "one.txt", tmp_path / "two.txt"
    junk.write_text("# my notes\nthe gradients agree\n")
    one.write_text(printed(torch.ones(2, 2)))
    two.write_text(printed(torch.ones(2, 2), torch.ones(2, 2)))
    status, _, stderr = compare(junk, one)
    assert status == 2 and stderr == f"gradreport: {junk}: not a file compare knows; it " \
                                     f"reads {KNOWN}.\n"
    status, _, stderr = compare(one, two)
    assert status == 2 and "holds 1 tensors and" in stderr
