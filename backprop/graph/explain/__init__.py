"""What each kind of backward node does, in words a student can check, and as a formula.

Every template gets a `Node`: the names of the forward values involved and where each
gradient goes. `g` is always the gradient arriving at the node, dL/d(its output). The
templates live by family of operation; importing a family registers its templates.
"""

from backprop.graph.explain import arithmetic, functions, products, reductions, shapes
from backprop.graph.explain.registry import TEMPLATES, Node, Template, explain, template

FAMILIES = (products, arithmetic, functions, reductions, shapes)  # imported to register

__all__ = ["FAMILIES", "TEMPLATES", "Node", "Template", "explain", "template"]
