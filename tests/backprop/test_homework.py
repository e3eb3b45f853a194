"""backprop.homework: the homework's own backward loop, as its text writes it."""

from __future__ import annotations

import torch

from backprop.config import RunConfig
from backprop.problem import make_problem


def test_homework_code_agrees_while_the_output_is_on_and_not_when_it_is_off() -> None:
    from backprop.autograd import reference_pass
    from backprop.homework import homework_label, homework_pass

    for seed, alive in ((2, True), (0, False)):
        problem = make_problem(RunConfig(seed=seed))
        reference = reference_pass(problem)[0].gradients()
        theirs = homework_pass(problem)
        same = all(torch.equal(theirs[k], reference[k]) for k in reference)
        assert same is alive
        if not alive:
            assert all(float(g.abs().max()) == 0 for g in reference.values())
            assert float(theirs["W1"].abs().max()) > 0
    problem = make_problem(RunConfig())
    assert torch.allclose(homework_label(problem.x), problem.x.pow(2).sum() / 2)
    assert not torch.equal(homework_pass(problem, code_label=True)["W1"],
                           homework_pass(problem)["W1"])
