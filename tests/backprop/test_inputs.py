"""step_inputs: each step's inputs recompute the step with its own equation."""

from __future__ import annotations

import torch

from backprop.inputs import step_inputs


def test_every_step_follows_from_its_inputs(default_run) -> None:
    for step in default_run.steps:
        named = dict(step_inputs(default_run, step))
        value = list(named.values())
        if step.tag == "z":
            expected = value[0] @ value[1] + value[2]
        elif step.tag == "mask":
            expected = value[0] > 0
        elif step.tag == "h":
            expected = torch.where(value[1], value[0], 0.0)
        elif step.tag == "loss":
            expected = ((named["y_pred"] - named["y"]) ** 2).sum()
        elif step.tag == "grad_y_pred":
            expected = 2 * (named["y_pred"] - named["y"])
        elif step.tag == "delta":
            expected = torch.where(value[1], value[0], 0.0)
        elif step.tag == "grad_W":
            expected = value[0].T @ value[1]
        elif step.tag == "grad_b":
            expected = value[0].sum(dim=0, keepdim=True)
        else:
            assert step.tag == "grad_h"
            expected = value[0] @ value[1].T
        assert torch.equal(expected.reshape(step.manual.shape), step.manual), step.symbol


def test_the_inputs_are_named_as_the_equations_name_them(default_run) -> None:
    by_symbol = {step.symbol: step for step in default_run.steps}
    names = {symbol: [name for name, _ in step_inputs(default_run, by_symbol[symbol])]
             for symbol in ("z_1", "z_3", "dL/dW_1", "dL/dW_4", "delta_2", "dL/dh_1", "L")}
    assert names == {"z_1": ["x", "W_1", "b_1"], "z_3": ["h_2", "W_3", "b_3"],
                     "dL/dW_1": ["x", "delta_1"], "dL/dW_4": ["h_3", "delta_4"],
                     "delta_2": ["dL/dh_2", "m_2"], "dL/dh_1": ["delta_2", "W_2"],
                     "L": ["y_pred", "y"]}
