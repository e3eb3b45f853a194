"""What each kind of backward node does, in words a student can check, and as a formula.

Every template gets a `Node`: the names of the forward values involved and where each
gradient goes. `g` is always the gradient arriving at the node, dL/d(its output). The
templates live by family of operation; importing a family registers its templates.
"""

from backprop.graph.explain import (
    arithmetic,
    attention,
    convolution,
    functions,
    indexing,
    losses,
    norms,
    products,
    reductions,
    shapes,
)
from backprop.graph.explain.given import Given, Uncheckable
from backprop.graph.explain.registry import (
    FORMULAS,
    TEMPLATES,
    Node,
    Template,
    explain,
    formula_of,
    template,
)

# Imported to register their templates.
FAMILIES = (products, arithmetic, functions, reductions, losses, shapes, indexing,
            convolution, norms, attention)

__all__ = ["FAMILIES", "FORMULAS", "TEMPLATES", "Given", "Node", "Template", "Uncheckable",
           "explain", "formula_of", "template"]
