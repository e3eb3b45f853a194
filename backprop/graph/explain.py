"""What each kind of backward node does, in words a student can check, and as a formula.

Every template gets a `Node`: the names of the forward values involved and where each
gradient goes. `g` is always the gradient arriving at the node, dL/d(its output).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    """What a template may say about one backward node."""

    number: int
    label: str                        # the class name, "MmBackward0"
    out: str                          # the forward value it created: "z3", "the output of #7"
    operands: tuple[str, ...]         # per next_functions slot: the forward input's name
    targets: tuple[str | None, ...]   # per slot: "#7 ReluBackward0", None when no gradient
    saved: dict[str, str]             # saved value name -> meaning

    def op(self, slot: int) -> str:
        """The name of the forward input in `slot` (or a neutral word)."""
        return self.operands[slot] if slot < len(self.operands) else "its input"

    def flow(self, slot: int, what: str) -> str:
        """'<what>, sent to #7 ReluBackward0' or why it is not computed."""
        target = self.targets[slot] if slot < len(self.targets) else None
        if target is None:
            return f"{what} is not computed: {self.op(slot)} needs no gradient"
        return f"{what}, sent to {target}"


Template = Callable[[Node], tuple[str, str]]  # -> (sentences, formula)
TEMPLATES: dict[str, Template] = {}


def template(*labels: str) -> Callable[[Template], Template]:
    """Register a template for these node classes."""
    def register(fn: Template) -> Template:
        for label in labels:
            TEMPLATES[label] = fn
        return fn
    return register


def explain(node: Node) -> tuple[str, str]:
    """(explanation, formula) for a backward node; an honest fallback for unknown types."""
    fn = TEMPLATES.get(node.label)
    if fn is not None:
        return fn(node)
    targets = [t for t in node.targets if t is not None]
    saved = ", ".join(f"{k} = {v}" for k, v in node.saved.items()) or "nothing"
    flows = ("one gradient to each of " + ", ".join(targets)) if targets else "no gradient on"
    return (f"No explanation is written for {node.label} yet. What the graph itself shows: "
            f"it was recorded by a forward operation (its name is the class name without "
            f"'Backward'); during backward it receives g = dL/d({node.out}) and sends "
            f"{flows}. It saved {saved}.", "unknown: see the operation's derivative")


@template("MmBackward0")
def _mm(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the matrix product {n.out} = {a} @ {b} (self = {a}, mat2 = {b}). "
            f"Backward receives g = dL/d({n.out}) and returns one gradient per factor: "
            f"{n.flow(0, f'dL/d{a} = g @ {b}^T (this needs the saved mat2)')}; "
            f"{n.flow(1, f'dL/d{b} = {a}^T @ g (this needs the saved self)')}.",
            "grad_self = g @ mat2^T;  grad_mat2 = self^T @ g")


@template("AddmmBackward0")
def _addmm(n: Node) -> tuple[str, str]:
    c, a, b = n.op(0), n.op(1), n.op(2)
    return (f"Created by addmm, {n.out} = {c} + {a} @ {b}: a matrix product plus a bias in "
            f"one step, as nn.Linear does it (there mat2 is the transposed weight). Backward "
            f"receives g: {n.flow(0, f'dL/d{c} = g summed over the rows it was broadcast to')}; "
            f"{n.flow(1, f'dL/d{a} = g @ {b}^T')}; {n.flow(2, f'dL/d{b} = {a}^T @ g')}.",
            "grad_input = sum_rows(g);  grad_mat1 = g @ mat2^T;  grad_mat2 = mat1^T @ g")


@template("AddBackward0", "AddBackward1")
def _add(n: Node) -> tuple[str, str]:
    return (f"Created by the addition {n.out} = {n.op(0)} + {n.op(1)}. The derivative of a "
            f"sum with respect to each term is 1, so backward passes g on unchanged: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g')}; {n.flow(1, f'dL/d{n.op(1)} = alpha * g')} "
            f"(alpha = {n.saved.get('alpha', '1')}). A term that was broadcast, like a bias "
            f"(1, d) added to every row, gets g summed over those rows so it keeps its shape.",
            "grad_self = g;  grad_other = alpha * g (summed over broadcast dimensions)")


@template("SubBackward0", "SubBackward1")
def _sub(n: Node) -> tuple[str, str]:
    return (f"Created by the subtraction {n.out} = {n.op(0)} - {n.op(1)}. Backward passes g "
            f"on with the sign of each term: {n.flow(0, f'dL/d{n.op(0)} = g')}; "
            f"{n.flow(1, f'dL/d{n.op(1)} = -alpha * g')} "
            f"(alpha = {n.saved.get('alpha', '1')}).",
            "grad_self = g;  grad_other = -alpha * g")


@template("RsubBackward1")
def _rsub(n: Node) -> tuple[str, str]:
    return (f"Created by subtracting from a number, {n.out} = c - {n.op(0)}. Backward "
            f"flips the sign: {n.flow(0, f'dL/d{n.op(0)} = -alpha * g')}.",
            "grad_self = -alpha * g")


@template("MulBackward0", "MulBackward1")
def _mul(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the elementwise product {n.out} = {a} * {b}. Each factor's gradient "
            f"is g times the other factor, which is why the factors are saved: "
            f"{n.flow(0, f'dL/d{a} = g * {b}')}; {n.flow(1, f'dL/d{b} = g * {a}')}.",
            "grad_self = g * other;  grad_other = g * self")


@template("DivBackward0", "DivBackward1")
def _div(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the division {n.out} = {a} / {b}. Backward: "
            f"{n.flow(0, f'dL/d{a} = g / {b}')}; "
            f"{n.flow(1, f'dL/d{b} = -g * {a} / {b}^2')}.",
            "grad_self = g / other;  grad_other = -g * self / other^2")


@template("PowBackward0")
def _pow(n: Node) -> tuple[str, str]:
    p = n.saved.get("exponent", "p")
    return (f"Created by raising to a fixed power, {n.out} = {n.op(0)}^{p}. By the power "
            f"rule, {n.flow(0, f'dL/d{n.op(0)} = {p} * {n.op(0)}^({p}-1) * g')}; it needs "
            f"the saved self = {n.saved.get('self', n.op(0))}.",
            "grad_self = exponent * self^(exponent - 1) * g")


@template("PowBackward1")
def _pow_tensor(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by {n.out} = {a}^{b} with a tensor exponent. Backward: "
            f"{n.flow(0, f'dL/d{a} = {b} * {a}^({b}-1) * g')}; "
            f"{n.flow(1, f'dL/d{b} = {a}^{b} * ln({a}) * g')}.",
            "grad_self = exponent * self^(exponent - 1) * g;  grad_exponent = result * ln(self) * g")


@template("ReluBackward0")
def _relu(n: Node) -> tuple[str, str]:
    return (f"Created by the ReLU {n.out} = relu({n.op(0)}) = max({n.op(0)}, 0). Its "
            f"derivative is 1 where the unit is active and 0 where it is not, so backward "
            f"masks g: {n.flow(0, f'dL/d{n.op(0)} = g where {n.out} > 0, else 0')}. It "
            f"tells active from inactive units by the saved result = "
            f"{n.saved.get('result', n.out)}; at exactly 0 the gradient is 0.",
            "grad_self = g * [result > 0]")


@template("SigmoidBackward0")
def _sigmoid(n: Node) -> tuple[str, str]:
    return (f"Created by the sigmoid {n.out} = 1 / (1 + exp(-{n.op(0)})). Its derivative "
            f"can be written with its own output s, which is why the result is saved: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g * s * (1 - s)')}, s = "
            f"{n.saved.get('result', n.out)}.",
            "grad_self = g * result * (1 - result)")


@template("TanhBackward0")
def _tanh(n: Node) -> tuple[str, str]:
    return (f"Created by tanh, {n.out} = tanh({n.op(0)}). Its derivative is 1 - tanh^2, "
            f"written with the saved result t: {n.flow(0, f'dL/d{n.op(0)} = g * (1 - t^2)')}, "
            f"t = {n.saved.get('result', n.out)}.",
            "grad_self = g * (1 - result^2)")


@template("ExpBackward0")
def _exp(n: Node) -> tuple[str, str]:
    return (f"Created by {n.out} = exp({n.op(0)}). exp is its own derivative, so backward "
            f"reuses the saved result: {n.flow(0, f'dL/d{n.op(0)} = g * exp({n.op(0)})')}.",
            "grad_self = g * result")


@template("LogBackward0")
def _log(n: Node) -> tuple[str, str]:
    return (f"Created by the natural log {n.out} = ln({n.op(0)}). Backward: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g / {n.op(0)}')} (the saved self).",
            "grad_self = g / self")


@template("NegBackward0")
def _neg(n: Node) -> tuple[str, str]:
    return (f"Created by the negation {n.out} = -{n.op(0)}. Backward: "
            f"{n.flow(0, f'dL/d{n.op(0)} = -g')}.", "grad_self = -g")


@template("SumBackward0", "SumBackward1")
def _sum(n: Node) -> tuple[str, str]:
    return (f"Created by the sum {n.out} = sum of the entries of {n.op(0)}"
            f"{' along some dimensions' if n.label.endswith('1') else ''}. Every entry "
            f"contributes with weight 1, so backward copies g back to every entry it summed: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g expanded to the shape of {n.op(0)}')}.",
            "grad_self = g expanded to self's shape")


@template("MeanBackward0", "MeanBackward1")
def _mean(n: Node) -> tuple[str, str]:
    count = n.saved.get("self_sym_numel", "N")
    return (f"Created by the mean {n.out} = mean of {n.op(0)}"
            f"{' along some dimensions' if n.label.endswith('1') else f' over its {count} entries'}."
            f" Each entry contributes 1/N, so backward spreads g evenly: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g / N on every entry')} (N = {count} here"
            f"{'' if count != 'N' else ': the entries averaged'}).",
            "grad_self = g / N expanded to self's shape")


@template("MseLossBackward0")
def _mse(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by mse_loss: {n.out} = mean((input - target)^2) with input = {a}, "
            f"target = {b} (reduction = {n.saved.get('reduction', '?')}: 1 means mean, 2 sum, "
            f"0 none). Backward: {n.flow(0, f'dL/d{a} = 2 * ({a} - {b}) * g / N')}; "
            f"{n.flow(1, f'dL/d{b} = -2 * ({a} - {b}) * g / N')}; N is the number of entries "
            f"(1 for reduction sum).",
            "grad_input = 2 (input - target) g / N;  grad_target = -grad_input")


@template("TBackward0")
def _t(n: Node) -> tuple[str, str]:
    return (f"Created by the transpose {n.out} = {n.op(0)}^T (nn.Linear transposes its "
            f"weight this way). A transpose only moves entries, so backward moves them back: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g^T')}.", "grad_self = g^T")


@template("ViewBackward0", "UnsafeViewBackward0")
def _view(n: Node) -> tuple[str, str]:
    shape = n.saved.get("self_sym_sizes", "the input's shape")
    return (f"Created by view/reshape: {n.out} holds the same numbers as {n.op(0)} in another "
            f"shape. Nothing is computed, so backward only reshapes the gradient back: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g reshaped to {shape}')}.",
            "grad_self = g.reshape(self_sym_sizes)")


@template("ExpandBackward0")
def _expand(n: Node) -> tuple[str, str]:
    return (f"Created by expand (explicit broadcasting): {n.out} repeats the entries of "
            f"{n.op(0)} along new or size-1 dimensions without copying. Each entry was used "
            f"several times, so backward adds up its copies' gradients: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g summed over the expanded dimensions')}.",
            "grad_self = g summed to self_sym_sizes")


@template("UnsqueezeBackward0", "SqueezeBackward0", "SqueezeBackward1")
def _squeeze(n: Node) -> tuple[str, str]:
    return (f"Created by {n.label[:-len('Backward0')].lower()}: it adds or removes a "
            f"dimension of size 1, the numbers stay the same. Backward undoes it: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g with that dimension removed or restored')}.",
            "grad_self = g reshaped back")


@template("CloneBackward0")
def _clone(n: Node) -> tuple[str, str]:
    return (f"Created by clone: {n.out} is a copy of {n.op(0)}. Backward: "
            f"{n.flow(0, f'dL/d{n.op(0)} = g')}.", "grad_self = g")


@template("SelectBackward0")
def _select(n: Node) -> tuple[str, str]:
    return (f"Created by indexing one slice, {n.out} = {n.op(0)}[..., i, ...]. Backward puts "
            f"g back in place and zeros elsewhere: "
            f"{n.flow(0, f'dL/d{n.op(0)} = zeros with g at the selected index')}.",
            "grad_self = zeros; grad_self[index] = g")
