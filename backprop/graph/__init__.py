"""The autograd graph of a scalar: every box numbered, explained and drawn.

`graph_of_run(run)` for a run's loss, `graph_of(output, params)` for any scalar,
`graph_of_script(path, var)` for a variable of a user's script.
"""

from backprop.graph.build import (
    GRAPH_FILES,
    draw,
    graph_json,
    graph_of,
    graph_of_run,
    nodes_for_step,
    write_graph_files,
)
from backprop.graph.records import Graph, GraphError, NodeRecord, SavedValue
from backprop.graph.script import graph_of_script

__all__ = [
    "GRAPH_FILES",
    "Graph",
    "GraphError",
    "NodeRecord",
    "SavedValue",
    "draw",
    "graph_json",
    "graph_of",
    "graph_of_run",
    "graph_of_script",
    "nodes_for_step",
    "write_graph_files",
]
