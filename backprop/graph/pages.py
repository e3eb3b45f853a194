"""A large model's drawing as one page per top-level module, each legible on its own.

A container of numbered children (nn.Sequential, nn.ModuleList: `blocks.0`, `layer1.1`)
counts through its children, so a transformer gets a page per block. Each page is the
module's cluster cut out of the whole drawing, with the boxes that feed it and that it
feeds drawn as dashed stubs, so a reader can follow the arrows from page to page.
"""

from __future__ import annotations

import html
import re

from backprop.graph.records import NodeRecord

_BOX = re.compile(r'^\tn(\d+) \[label="((?:[^"\\]|\\.)*)"')
_EDGE = re.compile(r"^\tn(\d+) -> n(\d+)(.*)$")
_OPEN = re.compile(r'^\tsubgraph "cluster_([^"]*)" \{$')
STUB = 'style="dashed" fillcolor=white color=gray50 fontcolor=gray35'


def page_of(module: str, modules: set[str]) -> str:
    """The page a module's boxes go on: its top-level module, or a numbered child of one."""
    parts = module.split(".")
    numbered = any(m.startswith(f"{parts[0]}.") and m.split(".")[1].isdigit() for m in modules)
    return ".".join(parts[:2]) if numbered and len(parts) > 1 else parts[0]


def page_dots(dot: str, records: tuple[NodeRecord, ...]) -> dict[str, str]:
    """{page: its DOT}, in the order the pages' modules first appear from the input side."""
    modules = {r.module for r in records if r.module}
    if not modules:
        return {}
    page = {r.number: page_of(r.module, modules) for r in records if r.module}
    header, boxes, edges, clusters = _parse(dot)
    pages: dict[str, str] = {}
    for name in sorted(set(page.values()), key=lambda p: -min(n for n, q in page.items()
                                                              if q == p)):
        mine = {n for n, q in page.items() if q == name and n in boxes}
        lines = [*header]
        # The page names its module: a parameter's label drops that prefix (`shortcut.0.weight`).
        prefix = re.compile(rf"(#\d+ )[\w.]*?\b{re.escape(name)}\.")
        lines += [prefix.sub(r"\1", line) for line in _cluster_lines(clusters, name, mine)]
        stubs = set()
        for tail, head, rest in edges:
            invisible = "style=invis" in rest
            if (tail in mine and head in mine) or (not invisible and (tail in mine
                                                                       or head in mine)):
                stubs |= {tail, head} - mine
                lines.append(f"\tn{tail} -> n{head}{rest}")
        lines += [f'\tn{n} [label="{boxes[n]}" {STUB}]' for n in sorted(stubs)]
        pages[name] = "\n".join(lines) + "\n}\n"
    return pages


def _parse(dot: str) -> tuple[list[str], dict[int, str], list[tuple[int, int, str]], list]:
    """(header lines, box labels, edges, the cluster lines as (path, line) pairs)."""
    header, boxes, edges, clusters = [], {}, [], []
    path: list[str] = []
    for line in dot.splitlines():
        if opened := _OPEN.match(line):
            path.append(opened[1])
            clusters.append((tuple(path), line))
        elif line == "\t}" and path:
            clusters.append((tuple(path), line))
            path.pop()
        elif path:
            clusters.append((tuple(path), line))
            if box := _BOX.match(line):
                boxes[int(box[1])] = box[2]
        elif box := _BOX.match(line):
            boxes[int(box[1])] = box[2]
        elif edge := _EDGE.match(line):
            edges.append((int(edge[1]), int(edge[2]), edge[3]))
        elif line.startswith(("digraph", "\tgraph", "\tnode", "\tedge")):
            header.append(line)
    return header, boxes, edges, clusters


def _cluster_lines(clusters: list, name: str, mine: set[int]) -> list[str]:
    """The lines of the clusters inside page `name`, with only this page's boxes."""
    kept = []
    for path, line in clusters:
        if path[-1] != name and not path[-1].startswith(f"{name}."):
            continue
        box = _BOX.match(line)
        if box is None or int(box[1]) in mine:
            kept.append(line)
    return kept


def pages_html(svgs: dict[str, str]) -> str:
    """graph-modules.html: each page's SVG under its module's name, one printed page each."""
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>Autograd graph by module</title><style>",
             "body{font-family:sans-serif;margin:1em} section{page-break-after:always}",
             "svg{max-width:100%;height:auto} @page wide{size:A4 landscape}",
             "section.wide{page:wide}</style></head><body>",
             "<p>One page per top-level module; dashed boxes belong to the neighbouring "
             "pages. graph.svg has the whole graph, or graph-full.svg when graph.svg draws "
             "modules collapsed.</p>"]
    for name, svg in svgs.items():
        body = svg[svg.index("<svg"):] if "<svg" in svg else svg
        size = re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"', body)
        wide = size is not None and float(size[1]) > float(size[2])
        opening = '<section class="wide">' if wide else "<section>"
        parts.append(f"{opening}<h2>{html.escape(name)}</h2>{body}</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
