"""What a template is told about a backward node, the templates by class name, the fallback.

Each template carries its formula twice, beside each other: as text, and as code that
computes the gradients the node sends from what it received (backprop.graph.verify runs it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from backprop.graph.explain.custom import custom_formula, explain_custom
from backprop.graph.explain.given import Formula


@dataclass(frozen=True)
class Node:
    """What a template may say about one backward node."""

    number: int
    label: str                        # the class name, "MmBackward0"
    out: str                          # the forward value it created: "z3", "the output of #7"
    operands: tuple[str, ...]         # per next_functions slot: the forward input's name
    targets: tuple[str | None, ...]   # per slot: "#7 ReluBackward0", None when no gradient
    saved: dict[str, str]             # saved value name -> meaning
    values: dict[str, object] = field(default_factory=dict)  # non-tensor saved values, raw
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # saved tensors' shapes
    custom: bool = False              # recorded by a custom torch.autograd.Function

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
FORMULAS: dict[str, Formula] = {}  # class name -> the same formula, executable


def template(*labels: str, grads: Formula | None = None) -> Callable[[Template], Template]:
    """Register a template, and the formula `grads` it states, for these node classes."""
    def register(fn: Template) -> Template:
        for label in labels:
            TEMPLATES[label] = fn
            if grads is not None:
                FORMULAS[label] = grads
        return fn
    return register


def explain(node: Node) -> tuple[str, str]:
    """(explanation, formula) for a backward node; an honest fallback for unknown types."""
    fn = TEMPLATES.get(node.label)
    if node.custom:
        return explain_custom(node)
    if fn is not None:
        return fn(node)
    targets = [t for t in node.targets if t is not None]
    saved = ", ".join(f"{k} = {v}" for k, v in node.saved.items()) or "nothing"
    flows = ("one gradient to each of " + ", ".join(targets)) if targets else "no gradient on"
    return (f"No explanation is written for {node.label} yet. What the graph itself shows: "
            f"it was recorded by a forward operation (its name is the class name without "
            f"'Backward'); during backward it receives g = dL/d({node.out}) and sends "
            f"{flows}. It saved {saved}.", "unknown: see the operation's derivative")


def formula_of(label: str, custom: bool = False) -> Formula | None:
    """The executable formula of a node class; a custom Function's is its own backward."""
    if custom:
        return custom_formula
    return FORMULAS.get(label)
