"""The report's displayed equations, as LaTeX, keyed by the id the text refers to.

They depend on the config only (K, batch), never on the run's numbers, so they can be
typeset while torch is still being imported.
"""

from __future__ import annotations

from backprop.config import RunConfig


def catalog(config: RunConfig) -> dict[str, str]:
    """Every displayed equation of the report for `config`, in order of appearance."""
    n = config.layers
    batched = config.batch > 1
    pred = r"y_{\mathrm{pred}}"
    # The bias's gradient sums delta_k over the rows of the batch: 1^T delta_k, as line 40's
    # .sum(dim=0) does; only for B = 1 is it delta_k itself.
    grad_b = (rf"\frac{{\partial L}}{{\partial b_k}} = \mathbf{{1}}^{{\top}} \delta_k = "
              rf"\displaystyle\sum_{{r=1}}^{{{config.batch}}} (\delta_k)_{{r}}")
    if batched:
        batch = config.batch
        loss = rf"L = \displaystyle\sum_{{i=1}}^{{{batch}}} (y_{{\mathrm{{pred}},i}} - y_i)^2"
        rows = f"{config.batch} \\times {config.d}"
    else:
        loss = rf"L = ({pred} - y)^2"
        rows = f"1 \\times {config.d}"
    return {
        # Chapter 3: the network.
        "eq-input": r"h_0 = x \in [0, 1)^{" + rows + "}",
        "eq-layer": rf"z_k = h_{{k-1}} W_k + b_k, \qquad k = 1, \dots, {n}",
        "eq-relu": r"h_k = \mathrm{relu}(z_k) = \max(z_k, 0)",
        "eq-output": rf"{pred} = h_{{{n}}}",
        "eq-label": r"y = \frac{1}{d} \displaystyle\sum_{j=1}^{d} x_j^2",
        "eq-loss": loss,
        # Chapter 6: backpropagation by hand.
        "eq-mask": r"m_k = [z_k > 0], \qquad \mathrm{relu}'(z_k) = m_k",
        "eq-grad-out": rf"\frac{{\partial L}}{{\partial {pred}}} = 2\,({pred} - y)",
        "eq-delta-out": (rf"\delta_{{{n}}} = \frac{{\partial L}}{{\partial {pred}}} "
                         rf"\odot m_{{{n}}}"),
        "eq-delta": r"\delta_k = \frac{\partial L}{\partial z_k} = "
                    r"\frac{\partial L}{\partial h_k} \odot m_k",
        "eq-grad-W": r"\frac{\partial L}{\partial W_k} = h_{k-1}^{\top} \delta_k",
        "eq-grad-W-entry": (r"\frac{\partial L}{\partial (W_k)_{ij}} = \displaystyle\sum_{r} "
                            r"(h_{k-1})_{ri} \, (\delta_k)_{rj}"),
        "eq-grad-b": grad_b,
        "eq-grad-h-entry": (r"\frac{\partial L}{\partial (h_{k-1})_{ri}} = \displaystyle\sum_{j} "
                            r"(\delta_k)_{rj} \, (W_k)_{ij} = (\delta_k W_k^{\top})_{ri}"),
        "eq-grad-h": r"\frac{\partial L}{\partial h_{k-1}} = \delta_k W_k^{\top}",
        "eq-delta-down": r"\delta_{k-1} = \left(\delta_k W_k^{\top}\right) \odot m_{k-1}",
        # Chapter 9: the homework's variants.
        "eq-label-code": r"y_{\mathrm{code}} = \frac{1}{2} \displaystyle\sum_{j=1}^{d} x_j^2",
        "eq-loss-half": rf"L_{{1/2}} = \tfrac{{1}}{{2}} ({pred} - y)^2, \qquad "
                        rf"\frac{{\partial L_{{1/2}}}}{{\partial {pred}}} = {pred} - y",
    }
