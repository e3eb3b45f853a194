"""A model's drawing with modules collapsed: each module `depth` levels down is one box.

The records and their numbers stay as they are; only the drawing changes. A collapsed box
names its module and class as named_modules() does (`layer1.0.conv1 (Conv2d)`), counts
the boxes inside it and the numbers they have, sums their verified marks and, with
--values, shows |g|, the norm of the gradient entering the module. Edges into and out of
it go to its box; parallel edges merge into one with their count.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from backprop.errors import UserError, quoted
from backprop.graph.clusters import group_of, natural, nested, stacked
from backprop.graph.draw import render_svg
from backprop.graph.records import Graph, NodeRecord
from backprop.graph.tally import MARKS, verified_counts

# A drawing is legible when its 12 pt labels, scaled to fit one A4 page (757 x 510 pt
# inside the margins, portrait or landscape), print at 6.5 pt or more: the report's rule.
FONT_PT, PAGE_PT, LEGIBLE_PT = 12.0, (757.0, 510.0), 6.5
COLLAPSED = "lightyellow"
BOX3D = 'shape=box3d margin="0.06,0.05"'  # room for the text below the box's raised edge
FAILED_FILL = "#ff9c9c"
LEGEND_ROW = (f'<TR><TD BGCOLOR="{COLLAPSED}" ALIGN="LEFT">a module drawn collapsed: how '
              'many boxes it holds, their numbers and checks</TD></TR>')

_BOX = re.compile(r"^\tn(\d+) \[(.*)\]$")
_EDGE = re.compile(r"^\tn(\d+) -> n(\d+)(?: \[(.*)\])?$")
_LABEL_ATTR = re.compile(r'\s*\bx?label=(?:"(?:[^"\\]|\\.)*"|<.*>|\S+)')


@dataclass(frozen=True)
class View:
    """What graph.svg draws: None for every box, else modules from `depth` down collapsed
    except those in `expand` (and their parents)."""

    depth: int | None = None
    expand: tuple[str, ...] = ()


def printed_pt(svg: str) -> float:
    """The size a drawing's labels print at when it is fitted on one A4 page."""
    size = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg)
    if size is None:
        return FONT_PT
    width, height = float(size[1]), float(size[2])
    long, short = max(width, height), min(width, height)
    return FONT_PT * min(1.0, PAGE_PT[0] / long, PAGE_PT[1] / short)


def draw_view(graph: Graph, view: View, values: bool = False) -> tuple[Graph, str]:
    """`graph` (drawn whole) with graph.svg drawing `view`, and a sentence saying what it
    draws. Depth None is the default: every box when that is legible on one A4 page, else
    the deepest depth that is (1 if none is); with --expand, that depth or else 1."""
    check_expand(graph, view.expand)
    chosen, drawn = _default(graph, values) if view.depth is None else (None, graph)
    if view.depth is None and not view.expand:
        if chosen is None:
            size = f" (its text prints at {printed_pt(graph.svg):.1f} pt on A4)" if (
                graph.module_types and graph.svg) else ""
            return graph, f"graph.svg draws every box{size}"
        whole = f"drawn whole, its text would print at {printed_pt(graph.svg):.1f} pt"
        return drawn, _said(drawn, View(chosen), f", the default for this graph: {whole}")
    view = dataclasses.replace(view, depth=view.depth or chosen or 1)
    drawn = collapsed(graph, view, values)
    if drawn is graph:
        return graph, "graph.svg draws every box (no module lies that deep)"
    return drawn, _said(drawn, view)


def _default(graph: Graph, values: bool) -> tuple[int | None, Graph]:
    """(None, graph) when every box is legible on one A4 page (or nothing can collapse or
    be measured); else the deepest depth whose drawing is legible, 1 if none is."""
    if not graph.module_types or graph.svg is None or printed_pt(graph.svg) >= LEGIBLE_PT:
        return None, graph
    deepest = max((len(group_of(r)) for r in graph.nodes if r.module), default=0)
    for depth in range(deepest, 0, -1):
        drawn = collapsed(graph, View(depth), values)
        if depth == 1 or (drawn.svg is not None and printed_pt(drawn.svg) >= LEGIBLE_PT):
            return depth, drawn
    return None, graph


def _said(drawn: Graph, view: View, why: str = "") -> str:
    """What graph.svg and graph-full.svg draw, in one sentence."""
    opened = f", with {', '.join(view.expand)} open" if view.expand else ""
    size = f" (its text prints at {printed_pt(drawn.svg):.1f} pt on A4)" if drawn.svg else ""
    return (f"graph.svg draws the modules at depth {view.depth} collapsed{opened}{size}{why}; "
            "graph-full.svg draws every box")


def check_expand(graph: Graph, names: tuple[str, ...]) -> None:
    """Raise UserError for a name that is no module of the graph, naming the nearest ones."""
    known = graph.module_types
    holding = {".".join(group_of(r)[:i]) for r in graph.nodes if r.module
               for i in range(1, len(group_of(r)) + 1)}
    for name in names:
        if not known:
            raise UserError(f"--expand {quoted(name)}: the graph has no nn.Module to open "
                            "(its script defines no module)")
        if name not in known:
            near = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
            near = near or sorted((n for n in known if "." not in n), key=natural)[:6]
            raise UserError(f"--expand {quoted(name)}: no module has that name; the nearest "
                            f"are {', '.join(near)} (named as named_modules() names them)")
        if name not in holding:
            raise UserError(f"--expand {quoted(name)}: the module {name} ({known[name]}) "
                            "made no box of this graph")


def heads(records: tuple[NodeRecord, ...], view: View) -> dict[int, str]:
    """{box number: the collapsed module drawn in its place}, for every box inside one."""
    opened = {".".join(name.split(".")[:i]) for name in view.expand
              for i in range(1, name.count(".") + 2)}
    found = {}
    for record in records:
        path = group_of(record) if record.module else ()
        for i in range(1, len(path) + 1):
            name = ".".join(path[:i])
            if view.depth is not None and i >= view.depth and name not in opened:
                found[record.number] = name
                break
    return found


def collapsed(graph: Graph, view: View, values: bool = False) -> Graph:
    """`graph` whose dot and svg draw `view`; the whole drawing moves to dot_full and
    svg_full. The graph itself when nothing collapses."""
    head = heads(graph.nodes, view)
    if not head:
        return graph
    dot = collapsed_dot(graph.dot, graph.nodes, head, graph.module_types, values)
    svg = render_svg(dot) if graph.svg is not None else None
    return dataclasses.replace(graph, dot=dot, svg=svg, dot_full=graph.dot, svg_full=graph.svg)


def collapsed_dot(dot: str, records: tuple[NodeRecord, ...], head: dict[int, str],
                  types: dict[str, str], values: bool) -> str:
    """The DOT of the whole drawing with every box in `head` replaced by its module's box."""
    members: dict[str, list[int]] = {name: [] for name in set(head.values())}
    spine: set[str] = set()
    lines, placed, edges = [], [], []
    for line in dot.splitlines():
        if box := _BOX.match(line):
            number = int(box[1])
            if number in head:
                members[head[number]].append(number)
                spine |= {head[number]} if "group=spine" in box[2] else set()
            else:
                placed.append((group_of(records[number - 1]), line[1:]))
        elif edge := _EDGE.match(line):
            edges.append((int(edge[1]), int(edge[2]), edge[3] or ""))
        elif line.startswith(("\tsubgraph ", "\t\t")) or line == "\t}":
            continue  # the clusters are written again below, around the boxes left
        elif line.startswith("\tlegend "):
            lines.append(line.replace("</TABLE>", LEGEND_ROW + "</TABLE>"))
        elif line != "}":
            lines.append(line)
    # A module whose boxes are all saved tensors (drawn in the saved view only) has no box.
    modules = sorted((name for name, inside in members.items() if inside), key=natural)
    ids = {name: f"m{i}" for i, name in enumerate(modules, 1)}
    for name in modules:
        label = module_label(name, types.get(name), members[name], records, values)
        failed = any(records[n - 1].verified == "FAILED" for n in members[name])
        fill = FAILED_FILL if failed else COLLAPSED
        extra = " group=spine" if name in spine else ""
        placed.append((tuple(name.split("."))[:-1],
                       f'{ids[name]} [label="{label}" {BOX3D} fillcolor="{fill}"{extra}]'))

    def end(number: int) -> str:
        return ids[head[number]] if number in head else f"n{number}"

    paths = {ids[name]: tuple(name.split(".")) for name in modules}
    paths |= {f"n{r.number}": group_of(r) if r.module else () for r in records}

    header = [line for line in lines if not line.startswith("\tlegend ")]
    legend = [line for line in lines if line.startswith("\tlegend ")]
    # The legend goes below the output: beside the column it made the page twice as wide.
    below = ["\tn1 -> legend [style=invis]"] if legend and 1 not in head else []
    return "\n".join([*header, *nested(placed), *merged(edges, end, paths), *legend, *below, "}"]
                      ) + "\n"


def merged(edges: list[tuple[int, int, str]], end: Callable[[int], str],
           paths: dict[str, tuple[str, ...]]) -> list[str]:
    """The edge statements between the boxes drawn: one per pair, with a count if several,
    and the invisible edges that stack each open module below the boxes feeding it."""
    shown: dict[tuple[str, str], list[str]] = {}
    for tail, head, attrs in edges:
        pair = (end(tail), end(head))
        # The whole drawing's invisible edges stacked clusters that may be boxes now.
        if pair[0] != pair[1] and "style=invis" not in attrs:
            shown.setdefault(pair, []).append(attrs)
    lines = []
    for (tail, head), attrs in shown.items():
        first = attrs[0]
        # A value written on one wire is no value of the merged ones.
        if len(attrs) > 1:
            first = " ".join([_LABEL_ATTR.sub("", first).strip(),
                              f'label="×{len(attrs)}" fontsize=9']).strip()
        lines.append(f"\t{tail} -> {head}" + (f" [{first}]" if first else ""))
    hidden = stacked(list(shown), {box: paths[box] for pair in shown for box in pair})
    return lines + [f"\t{tail} -> {head} [style=invis]" for tail, head in hidden]


def module_label(name: str, kind: str | None, numbers: list[int],
                 records: tuple[NodeRecord, ...], values: bool) -> str:
    """'layer1.0.conv1 (Conv2d)', its boxes' count and numbers, their checks, |g| in."""
    numbers = sorted(numbers)
    title = f"{name} ({kind})" if kind else name
    if len(numbers) <= 3:
        inside = f"{len(numbers)} box{'es' if len(numbers) > 1 else ''} " + " ".join(
            f"#{n}" for n in numbers)
    else:
        inside = f"{len(numbers)} boxes in #{numbers[0]}–#{numbers[-1]}"
    marks = verified_counts([records[n - 1] for n in numbers])
    checks = ", ".join(f"{marks[m]} {m}" for m in MARKS if marks[m])
    # Two rows, not three: a row less per box is what lets ResNet-18's depth 2 fit A4.
    rows = [title, f"{inside}: {checks}" if checks else inside]
    if values and (entering := entering_norm(set(numbers), records)):
        rows.append(entering)
    return "\\n".join(row.replace("\\", "\\\\").replace('"', '\\"') for row in rows)


def entering_norm(members: set[int], records: tuple[NodeRecord, ...]) -> str:
    """'|g|=3.1e-02': the norm of the gradients its boxes receive from outside it."""
    squares, broken, found = 0.0, False, False
    for number in sorted(members):
        record = records[number - 1]
        if record.values is None or not set(record.outputs) - members:
            continue
        for summary in record.values.received:
            if summary is not None and summary.norm is not None:
                found = True
                squares += summary.norm ** 2
                broken |= bool(summary.nans or summary.infs)
    if not found:
        return ""
    norm = math.sqrt(squares)  # the summaries' norms are of finite entries; a sum may overflow
    text = f"|g| in={norm:.2g}" if math.isfinite(norm) else "|g| in=inf"
    return text + (" nan/inf!" if broken else "")
