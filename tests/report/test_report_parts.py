"""The report's parts, one by one: numbering, excerpts, PNG tiles, listings, the graph table."""

from __future__ import annotations

import dataclasses
import html as htmllib
import re
import struct
import zlib
from types import SimpleNamespace

import pytest

from report import figures, listing, mathsvg, tables
from report.figures.heatmaps import ZERO, heat_colour
from report.model import Listing, shown_layers
from report.render import Numbering, render_html, superscript


def test_numbering_counts_per_chapter_and_resolves_forward_references() -> None:
    numbering = Numbering()
    numbering.start_chapter(2, "network")
    early = "see @@ref:fig-b@@ and @@ref:ch-network@@"
    assert numbering.label("figure", "fig-a") == "2.1"
    assert numbering.label("figure", "fig-b") == "2.2"
    numbering.start_chapter(3, "forward")
    assert numbering.label("figure", "fig-c") == "3.1"
    assert numbering.label("equation", "eq-x") == "3.1"
    assert numbering.resolve(early) == ('see <a class="ref" href="#fig-b">Figure 2.2</a> and '
                                        '<a class="ref" href="#ch-network">Chapter 2</a>')
    assert numbering.resolve("@@ref:eq-x@@") == '<a class="ref" href="#eq-x">(3.1)</a>'
    assert numbering.resolve("@@text:fig-c@@ and @@text:ch-forward@@") == "Figure 3.1 and Chapter 3"
    with pytest.raises(KeyError):
        numbering.resolve("@@ref:nowhere@@")
    with pytest.raises(ValueError):
        numbering.label("table", "fig-a")


def test_superscript_writes_powers_of_ten() -> None:
    assert superscript("-5.5338e+08") == "-5.5338·10<sup>8</sup>"
    assert superscript("1.2000e-03") == "1.2000·10<sup>-3</sup>"
    assert superscript("4.0000e+00") == "4.0000"
    assert superscript("nan") == "nan"


def test_dat_excerpt_keeps_prefixes_and_says_what_it_cut() -> None:
    text = "\n".join(f"line {i} " + "x" * (i * 10) for i in range(10))
    shown, left, cut = tables.dat_excerpt(text, 40, 6)
    lines = shown.splitlines()
    assert len(lines) == 6 and left == 4 and cut
    for original, kept in zip(text.splitlines(), lines, strict=False):
        assert len(kept) <= 40
        assert original.startswith(kept.removesuffix(" …").rstrip())
    assert tables.dat_excerpt("a\nb", 40, 6) == ("a\nb", 0, False)


def test_shown_layers_cut_deep_networks() -> None:
    assert shown_layers(11) == list(range(1, 12))
    assert shown_layers(41) == [1, 2, 3, 4, None, 38, 39, 40, 41]


@pytest.mark.parametrize("values", [["7.8825e+07"], ["-1.0e+00", "2.5e-01"],
                                    ["1.2346e+123", "-1.2346e+123"]])
def test_gradient_values_never_touch_their_label_or_each_other(values) -> None:
    rows = [values] * 10
    block = SimpleNamespace(autograd=rows, manual=rows, differ=[[False] * len(values)] * 10)
    lines = htmllib.unescape(str(tables.gradient_pair(block))).split("\n")
    head, first, second = lines[0].split(), lines[1].split(), lines[2].split()
    assert head == [f"j={j}" for j in range(1, len(values) + 1)]
    assert first == ["i=1", "autograd", *values] and second == ["by", "hand", *values]
    assert lines[-2].split() == ["i=10", "autograd", *values]
    ends = {len(line) for line in lines}           # columns line up under their heads
    assert len(ends) == 1


def test_a_long_row_name_never_touches_its_values() -> None:
    rows = tables.indexed("x", [["1.0000e+00", "2.0000e+00"]] * 256)
    lines = str(tables.named_rows(rows)).split("\n")
    assert lines[-1].split() == ["x[256]", "1.0000e+00", "2.0000e+00"]
    assert len({len(line) for line in lines}) == 1


def test_png_tile_is_a_valid_png_of_the_right_size() -> None:
    data = figures.png([[(255, 0, 0), (0, 0, 255)]], 3)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (6, 3)
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4:idat])[0]
    raw = zlib.decompress(data[idat + 4:idat + 4 + length])
    assert raw[:4] == b"\x00\xff\x00\x00" and len(raw) == 3 * (1 + 6 * 3)


def test_heat_colours_show_sign_and_exact_zero() -> None:
    red = heat_colour(1.0, 1.0)
    blue = heat_colour(-1.0, 1.0)
    faint = heat_colour(1e-7, 1.0)
    assert red[0] > red[2] and blue[2] > blue[0]
    assert sum(faint) > sum(red)                      # far below the layer's top: pale
    assert heat_colour(0.0, 1.0) == ZERO


def test_listing_round_trips_awkward_source() -> None:
    source = 'def f(a):\n    return "<&>" if a < 2 else a  # [z] z_1 = x\n\n    pass\n'
    item = Listing("f", "x.py", source, 7, (8,))
    out = listing.highlight(item)
    code = re.sub(r'<span class="linenos">\s*\d+</span>', "", out)
    assert htmllib.unescape(re.sub(r"<[^>]+>", "", code)) == source
    assert '<span class="hll" id="f-8">' in out
    assert [int(n) for n in re.findall(r'linenos">\s*(\d+)<', out)] == [7, 8, 9, 10]


def test_math_image_keeps_latex_and_sits_on_the_baseline() -> None:
    image = mathsvg.typeset(r"\frac{a}{b_k}")
    assert image.depth > 0.1 and image.height > image.depth and image.width > 0
    tag = image.html()
    assert 'alt="\\frac{a}{b_k}"' in tag and f"vertical-align:{-image.depth:.3f}em" in tag


def fake_graph(nodes: int, svg: str | None, note: str | None):
    """A stand-in with the shape of backprop.graph's Graph (contract in briefs/graph-api)."""
    saved = SimpleNamespace(name="mat2", shape=(10, 10), meaning="W2")
    records = [SimpleNamespace(number=i, kind="backward", label=f"Op{i}Backward0",
                               layer=None if i == 1 else 1 + i % 3, inputs=(i + 1,),
                               outputs=(i - 1,), saved=(saved,), explanation=f"explains {i}",
                               formula="grad @ W.T", steps=(("grad_W", 2),),
                               verified="exact", error=0.0, why="", source=None)
               for i in range(1, nodes + 1)]
    return SimpleNamespace(nodes=records, svg=svg, note=note, dot="digraph {}",
                           svg_saved=svg, verified_text=f"All {nodes} formulas verified "
                           "exact on this run's gradients.", wires=())


def test_every_graph_node_is_in_the_node_table(default_built) -> None:
    nodes = default_built.report.graph.nodes
    assert len(nodes) > 80                      # 80 drawn boxes and the saved tensors
    page = default_built.html
    table = re.search(r'<table class="compact nodes" id="tab-nodes">.*?</table>', page, re.S)
    assert table
    numbers = [int(n) for n in re.findall(r'<tr id="node-(\d+)"><td class="num">\d+</td>',
                                          table.group(0))]
    assert sorted(numbers) == [node.number for node in nodes]
    rows = table.group(0)
    assert rows.index(">The loss<") < rows.index(">Layer 11 (output)<") < rows.index(">Layer 1<")
    grad_W = re.search(r'id="eq-grad-W">.*?\((\d+\.\d+)\)</span>', page, re.S).group(1)
    line = next(s.line for s in default_built.report.steps if s.tag == "grad_W")
    assert f"({grad_W}) line {line}" in rows
    from report.graphview import node_kind
    from report.mathtext import prose

    for node in nodes:   # every kind is explained in full, at its first box
        if node.number == min(n.number for n in nodes if node_kind(n) == node_kind(node)):
            row = re.search(rf'<tr id="node-{node.number}">.*?</tr>', rows, re.S).group(0)
            # `name` in an explanation is set as code, its ASCII maths as maths
            assert str(prose(node.explanation)) in row, node.label
            assert "`" not in htmllib.unescape(row)


def test_missing_dot_leaves_a_placeholder_naming_what_to_install(default_built) -> None:
    from report.graphview import graph_view

    note = "Graphviz's dot is not installed; install the Debian package graphviz."
    graph = graph_view(fake_graph(5, None, note))
    page = render_html(dataclasses.replace(default_built.report, graph=graph))
    assert '<div class="placeholder">' in page and note.replace("'", "&#39;") in page
    assert 'id="node-5"' in page                # the nodes are still explained
    assert "graph.svg" not in page.split('id="fig-graph"')[1][:400]


def test_every_diagnostic_is_said_and_only_severe_ones_get_the_banner(default_built) -> None:
    import dataclasses

    message = "Every unit of hidden layer 3 is off, so no gradient flows below it."
    report = dataclasses.replace(default_built.report, diagnostics=(("dead-layer", message),))
    page = render_html(report)
    assert '<div class="notice"><strong>Note (dead-layer).</strong> ' + message in page
    assert 'class="banner"' not in page
    overflow = "Values overflowed to inf or nan from layer 56 on."
    report = dataclasses.replace(default_built.report, banner=(overflow,),
                                 diagnostics=(("overflow", overflow),))
    page = render_html(report)
    assert "These numbers overflowed." in page and page.count(overflow) == 3


def test_equations_are_cached_across_builds(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from report import mathsvg

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    tex = r"\frac{\partial L}{\partial b_k} = \mathbf{1}^{\top} \delta_k"
    mathsvg.typeset.cache_clear()
    first = mathsvg.typeset(tex)
    files = list(tmp_path.glob("backprop-lab/math-*/*.json"))
    assert len(files) == 1
    # A later build reads the picture back without ziamath (here: without it importable).
    mathsvg.typeset.cache_clear()
    monkeypatch.setitem(sys.modules, "ziamath", None)
    assert mathsvg.typeset(tex) == first
    # A damaged entry is typeset again, not trusted.
    monkeypatch.delitem(sys.modules, "ziamath")
    files[0].write_text("{not json", "utf-8")
    mathsvg.typeset.cache_clear()
    assert mathsvg.typeset(tex) == first
    mathsvg.typeset.cache_clear()


def test_every_template_is_compiled_before_the_first_render(default_built) -> None:
    """The worker compiles them while torch loads; none is left for the render to compile."""
    from report.render import compile_templates, environment

    compile_templates()
    before = {name for _, name in environment().cache}
    assert {"report.html.j2", "macros.html.j2", "chapters/graph.html.j2"} <= before
    render_html(default_built.report)
    assert {name for _, name in environment().cache} == before
