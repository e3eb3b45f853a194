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
        """The name of the forward input in `slot`, in parentheses when it is an expression."""
        name = self.operands[slot] if slot < len(self.operands) else "input"
        return f"({name})" if " " in name else name

    def call(self, function: str, slot: int = 0) -> str:
        """'relu(z3)': a function of the input in `slot`, without doubled parentheses."""
        name = self.operands[slot] if slot < len(self.operands) else "input"
        return f"{function}({name})"

    def made(self, expression: str) -> str:
        """'z3 = h2 + b3', or just the expression when the output has no name of its own."""
        if self.out == expression or self.out.startswith("the output of"):
            return expression
        return f"{self.out} = {expression}"

    @property
    def g_of(self) -> str:
        """dL/d(output) as the gradient arriving here."""
        return f"dL/d({self.out})" if " " in self.out else f"dL/d{self.out}"

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
    return (f"Created by the matrix product {n.made(f'{a} @ {b}')} (self = {a}, mat2 = {b}). "
            f"Backward receives g = {n.g_of} and returns one gradient per factor: "
            f"{n.flow(0, f'dL/d{a} = g @ {b}^T (this needs the saved mat2)')}; "
            f"{n.flow(1, f'dL/d{b} = {a}^T @ g (this needs the saved self)')}.",
            "grad_self = g @ mat2^T;  grad_mat2 = self^T @ g")


@template("AddmmBackward0")
def _addmm(n: Node) -> tuple[str, str]:
    c, a, b = n.op(0), n.op(1), n.op(2)
    return (f"Created by addmm, {n.made(f'{c} + {a} @ {b}')}: a matrix product plus a bias in "
            f"one step, as nn.Linear does it (there mat2 is the transposed weight). Backward "
            f"receives g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{c} = g summed over the rows it was broadcast to')}; "
            f"{n.flow(1, f'dL/d{a} = g @ {b}^T')}; {n.flow(2, f'dL/d{b} = {a}^T @ g')}.",
            "grad_input = sum_rows(g);  grad_mat1 = g @ mat2^T;  grad_mat2 = mat1^T @ g")


@template("AddBackward0", "AddBackward1")
def _add(n: Node) -> tuple[str, str]:
    a, b, alpha = n.op(0), n.op(1), n.saved.get("alpha", "1")
    return (f"Created by the addition {n.made(f'{a} + {b}')}. The derivative of a sum with "
            f"respect to each term is 1, so backward passes g = {n.g_of} on unchanged: "
            f"{n.flow(0, f'dL/d{a} = g')}; {n.flow(1, f'dL/d{b} = alpha * g')} "
            f"(alpha = {alpha}). A term that was broadcast, like a bias (1, d) added to "
            f"every row, gets g summed over those rows, so it keeps its shape.",
            "grad_self = g;  grad_other = alpha * g (summed over broadcast dimensions)")


@template("SubBackward0", "SubBackward1")
def _sub(n: Node) -> tuple[str, str]:
    a, b, alpha = n.op(0), n.op(1), n.saved.get("alpha", "1")
    return (f"Created by the subtraction {n.made(f'{a} - {b}')}. Backward passes "
            f"g = {n.g_of} on with the sign of each term: {n.flow(0, f'dL/d{a} = g')}; "
            f"{n.flow(1, f'dL/d{b} = -alpha * g')} (alpha = {alpha}).",
            "grad_self = g;  grad_other = -alpha * g")


@template("RsubBackward1")
def _rsub(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by subtracting from a number, {n.made(f'c - {a}')}. Backward flips "
            f"the sign of g = {n.g_of}: {n.flow(0, f'dL/d{a} = -alpha * g')}.",
            "grad_self = -alpha * g")


@template("MulBackward0", "MulBackward1")
def _mul(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the elementwise product {n.made(f'{a} * {b}')}. Each factor's "
            f"gradient is g = {n.g_of} times the other factor, which is why the factors are "
            f"saved: {n.flow(0, f'dL/d{a} = g * {b}')}; {n.flow(1, f'dL/d{b} = g * {a}')}.",
            "grad_self = g * other;  grad_other = g * self")


@template("DivBackward0", "DivBackward1")
def _div(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the division {n.made(f'{a} / {b}')}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g / {b}')}; "
            f"{n.flow(1, f'dL/d{b} = -g * {a} / {b}^2')}.",
            "grad_self = g / other;  grad_other = -g * self / other^2")


@template("PowBackward0")
def _pow(n: Node) -> tuple[str, str]:
    a, p = n.op(0), n.saved.get("exponent", "p")
    return (f"Created by raising to a fixed power, {n.made(f'{a}^{p}')}. By the power rule, "
            f"with g = {n.g_of}: {n.flow(0, f'dL/d{a} = {p} * {a}^({p}-1) * g')}; this "
            f"needs the saved self = {n.saved.get('self', a)}.",
            "grad_self = exponent * self^(exponent - 1) * g")


@template("PowBackward1")
def _pow_tensor(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by a power with a tensor exponent, {n.made(f'{a}^{b}')}. Backward, "
            f"with g = {n.g_of}: {n.flow(0, f'dL/d{a} = {b} * {a}^({b}-1) * g')}; "
            f"{n.flow(1, f'dL/d{b} = {a}^{b} * ln({a}) * g')}.",
            "grad_self = exponent * self^(exponent - 1) * g;  "
            "grad_exponent = result * ln(self) * g")


@template("ReluBackward0")
def _relu(n: Node) -> tuple[str, str]:
    a, out = n.op(0), n.saved.get("result", n.out)
    return (f"Created by the ReLU {n.made(n.call('relu'))}, that is max({a}, 0). Its "
            f"derivative is 1 where the unit is active and 0 where it is not, so backward "
            f"masks g = {n.g_of}: {n.flow(0, f'dL/d{a} = g where {out} > 0, else 0')}. It "
            f"tells active from inactive units by the saved result = {out}; at exactly 0 "
            f"the gradient is 0.",
            "grad_self = g * [result > 0]")


@template("SigmoidBackward0")
def _sigmoid(n: Node) -> tuple[str, str]:
    a, s = n.op(0), n.saved.get("result", n.out)
    return (f"Created by the sigmoid {n.made(f'1 / (1 + exp(-{a}))')}. Its derivative can be "
            f"written with its own output s = {s}, which is why the result is saved: with "
            f"g = {n.g_of}, {n.flow(0, f'dL/d{a} = g * s * (1 - s)')}.",
            "grad_self = g * result * (1 - result)")


@template("TanhBackward0")
def _tanh(n: Node) -> tuple[str, str]:
    a, t = n.op(0), n.saved.get("result", n.out)
    return (f"Created by tanh, {n.made(n.call('tanh'))}. Its derivative is 1 - tanh^2, written "
            f"with the saved result t = {t}: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = g * (1 - t^2)')}.",
            "grad_self = g * (1 - result^2)")


@template("ExpBackward0")
def _exp(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by {n.made(n.call('exp'))}. exp is its own derivative, so backward "
            f"reuses the saved result: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = g * ' + n.call('exp'))}.", "grad_self = g * result")


@template("LogBackward0")
def _log(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the natural log {n.made(n.call('ln'))}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g / {a}')} (the saved self).", "grad_self = g / self")


@template("NegBackward0")
def _neg(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the negation {n.made(f'-{a}')}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = -g')}.", "grad_self = -g")


@template("SumBackward0", "SumBackward1")
def _sum(n: Node) -> tuple[str, str]:
    a = n.op(0)
    where = " along some dimensions" if n.label.endswith("1") else ""
    return (f"Created by a sum, {n.made(n.call('sum'))}{where}. Every entry counts with weight "
            f"1, so backward copies g = {n.g_of} back to every entry it summed: "
            f"{n.flow(0, f'dL/d{a} = g expanded to the shape of {a}')}.",
            "grad_self = g expanded to self's shape")


@template("MeanBackward0", "MeanBackward1")
def _mean(n: Node) -> tuple[str, str]:
    a, count = n.op(0), n.saved.get("self_sym_numel", "the number of entries averaged")
    where = " along some dimensions" if n.label.endswith("1") else ""
    return (f"Created by a mean, {n.made(n.call('mean'))}{where}. Each entry counts 1/N, so "
            f"backward spreads g = {n.g_of} evenly: "
            f"{n.flow(0, f'dL/d{a} = g / N on every entry')}, N = {count}.",
            "grad_self = g / N expanded to self's shape")


@template("MseLossBackward0")
def _mse(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by mse_loss, {n.made(f'mean(({a} - {b})^2)')}, input = {a}, target = "
            f"{b} (reduction = {n.saved.get('reduction', '?')}: 1 means mean, 2 sum, 0 none). "
            f"Backward, with g = {n.g_of}: {n.flow(0, f'dL/d{a} = 2 * ({a} - {b}) * g / N')}; "
            f"{n.flow(1, f'dL/d{b} = -2 * ({a} - {b}) * g / N')}; N is the number of entries "
            f"for a mean and 1 for a sum.",
            "grad_input = 2 (input - target) g / N;  grad_target = -grad_input")


@template("TBackward0")
def _t(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the transpose {n.made(f'{a}^T')} (nn.Linear transposes its weight "
            f"this way). A transpose only moves entries, so backward moves g = {n.g_of} back: "
            f"{n.flow(0, f'dL/d{a} = g^T')}.", "grad_self = g^T")


@template("ViewBackward0", "UnsafeViewBackward0")
def _view(n: Node) -> tuple[str, str]:
    a, shape = n.op(0), n.saved.get("self_sym_sizes", "the input's shape")
    return (f"Created by view or reshape: {n.out} holds the same numbers as {a} in another "
            f"shape. Nothing is computed, so backward only reshapes g = {n.g_of} back: "
            f"{n.flow(0, f'dL/d{a} = g reshaped to {shape}')}.",
            "grad_self = g.reshape(self_sym_sizes)")


@template("ExpandBackward0")
def _expand(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by expand (explicit broadcasting): {n.out} repeats the entries of {a} "
            f"along new or size-1 dimensions without copying. Each entry was used several "
            f"times, so backward adds up the gradients of its copies, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g summed over the expanded dimensions')}.",
            "grad_self = g summed to self_sym_sizes")


@template("UnsqueezeBackward0", "SqueezeBackward0", "SqueezeBackward1")
def _squeeze(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by {n.label[:-len('Backward0')].lower()}, which adds or removes a "
            f"dimension of size 1; the numbers stay the same. Backward undoes it on "
            f"g = {n.g_of}: {n.flow(0, f'dL/d{a} = g with that dimension restored or removed')}.",
            "grad_self = g reshaped back")


@template("CloneBackward0")
def _clone(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by clone: {n.out} is a copy of {a}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g')}.", "grad_self = g")


@template("SelectBackward0")
def _select(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by indexing one slice, {n.made(f'{a}[i]')}. Backward puts g = {n.g_of} "
            f"back in its place and zeros elsewhere: "
            f"{n.flow(0, f'dL/d{a} = zeros with g at the selected index')}.",
            "grad_self = zeros; grad_self[index] = g")
