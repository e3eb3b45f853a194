"""What the report says about runs that are not the default: overflow, a dead output,
entries finite differences cannot judge, other inits and dtypes. Each claim is checked
against the run it describes."""

from __future__ import annotations

import html as htmllib
import math
import re
from itertools import pairwise

import pytest

from backprop.config import RunConfig
from backprop.verdict import verdict


def text_of(page: str) -> str:
    """The HTML's text, tags dropped and entities decoded, whitespace folded."""
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", page)))


def section(page: str, ident: str) -> str:
    """One chapter's HTML."""
    found = re.search(rf'<section class="chapter[^"]*" id="ch-{ident}">.*?</section>', page, re.S)
    assert found, ident
    return found.group(0)


def compare_rows(page: str) -> dict[str, list[str]]:
    """Table 6.1's rows that are listed, by gradient name: the text of each cell after it."""
    table = re.search(r'<table class="compact" id="tab-compare">.*?</table>', page, re.S)
    rows = re.findall(r"<tr><td>dL/d(\w+)</td>(.*?)</tr>", table.group(0), re.S)
    return {name: [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
            for name, cells in rows}


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory, build_in_process):
    """build(config) -> Built, each config built once for this module."""
    built = {}

    def make(config: RunConfig):
        if config not in built:
            built[config] = build_in_process(config, tmp_path_factory.mktemp("content"))
        return built[config]
    return make


@pytest.fixture(scope="module")
def overflow(build):
    """K=80, seed 4: most gradients overflow to inf or nan, identically in both passes."""
    return build(RunConfig(K=80, seed=4))


# 1. Growth per layer: √(d/2), and what this run measured.

def test_growth_per_layer_is_root_d_over_2_and_measured_on_this_run(default_built) -> None:
    from backprop.run import compute_run

    run = compute_run(RunConfig())
    sizes = [float(z.abs().max()) for z in run.manual.z[:run.config.K]]
    ratios = [b / a for a, b in pairwise(sizes)]
    measured = math.prod(ratios) ** (1 / len(ratios))
    words = text_of(default_built.html)
    assert "√(d/2) = 2.24" in words and "√d-fold" not in words and "about √d." not in words
    assert f"by a factor of {measured:.2f} per layer" in words
    for ident in ("network", "forward", "notes"):
        assert "√(d/2)" in text_of(section(default_built.html, ident)), ident


def power(value: float) -> str:
    """`value` as the report's prose prints it at 2 digits: 1.8e-08 -> 1.8·10-8."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}·10{int(exponent)}" if int(exponent) else mantissa


def test_kaiming_prose_says_what_this_run_shows(build) -> None:
    built = build(RunConfig(K=15, init="kaiming"))
    words = text_of(section(built.html, "network"))
    assert "however deep" not in words and "near 1" not in words
    low, high = built.report.scales[0].span
    assert f"ranges from {power(low)} to {power(high)}" in words
    growth = built.report.scales[0].growth
    assert f"by a factor of {growth:.2f} per layer" in words


# 2. Finite differences that could not judge.

def test_entries_lost_in_rounding_are_never_said_to_agree(build) -> None:
    built = build(RunConfig(K=20, seed=0))
    rows = {c.name: c for c in built.report.comparison}
    unresolved = [name for name, c in rows.items() if c.fd_status == "unresolved"]
    assert unresolved and built.report.fd_resolved < built.report.fd_checked
    shown = compare_rows(built.html)
    listed = [name for name in unresolved if name in shown]
    assert listed
    for name in listed:
        c = rows[name]
        counts = f"{c.fd_checked} checked, {c.fd_unresolved} lost in rounding"
        judged = f"yes on {c.fd_resolved}/{c.fd_resolved + c.fd_unresolved}, "
        assert shown[name][6] == (judged if c.fd_resolved else "could not judge: ") + counts
    for c in rows.values():
        if c.fd_status == "agree" and c.fd_unresolved and c.name in shown:
            assert shown[c.name][6].startswith("yes, ")
            assert shown[c.name][6].endswith(f", {c.fd_unresolved} lost in rounding")
    judged = f"agree on all {built.report.fd_resolved} entries they could judge, of " \
             f"{built.report.fd_checked} checked"
    title = built.html.split('id="contents"')[0]
    assert judged in text_of(title) and judged in text_of(section(built.html, "comparison"))


def test_the_verdict_is_the_command_lines(build, default_built) -> None:
    from backprop.run import compute_run

    for config, built in ((RunConfig(), default_built), (RunConfig(K=20, seed=0),
                                                         build(RunConfig(K=20, seed=0)))):
        assert built.report.verdict == verdict(compute_run(config)).text


def test_nothing_judged_is_not_agreement(default_built) -> None:
    import dataclasses

    from report.render import render_html

    rows = tuple(dataclasses.replace(c, fd_status="unresolved", fd_unresolved=c.fd_checked)
                 for c in default_built.report.comparison)
    report = dataclasses.replace(default_built.report, comparison=rows, fd_resolved=0,
                                 verdict="finite differences could not judge any entry.")
    page = render_html(report)
    assert page.count('<div class="verdict bad">') == 2        # title page and chapter 6
    shown = compare_rows(page)
    assert all(row[6].startswith("could not judge") for row in shown.values())


# 3. Overflow: agree, differ, or not comparable.

def test_overflow_is_not_comparable_rather_than_different(overflow) -> None:
    comparison = overflow.report.comparison
    broken = [c for c in comparison if c.nonfinite]
    assert broken and all(c.differ == 0 and c.bitwise for c in comparison)
    words = text_of(overflow.html)
    assert "differ at 5 significant digits" not in words
    assert f"{len(broken)} of {len(comparison)} gradients hold inf or nan" in words
    shown = compare_rows(overflow.html)
    for c in comparison:
        if c.name in shown:
            state, differ, nonfinite = shown[c.name][1:4]
            assert state == ("not comparable" if c.nonfinite else "yes")
            assert (differ, nonfinite) == ("0", str(c.nonfinite))


def test_omitted_layers_row_counts_what_it_stands_for(overflow) -> None:
    from report.model import omitted_layers

    first, last = omitted_layers(81)
    middle = [c for c in overflow.report.comparison if first <= c.layer <= last]
    table = re.search(r'id="tab-compare">.*?</table>', overflow.html, re.S).group(0)
    row = text_of(re.search(r'<tr class="omitted">(.*?)</tr>', table, re.S).group(1))
    agree = sum(c.state == "agree" for c in middle)
    broken = sum(c.state == "not comparable" for c in middle)
    unjudged = sum(c.fd_status == "unresolved" for c in middle)
    assert f"{len(middle)} gradients; {agree} agree at 5 significant digits, {broken} are " \
           f"not comparable (inf/nan), all are bit-for-bit identical" in row
    assert f"could not judge every entry of {unjudged}" in row
    assert "agreeing bit for bit, with finite differences agreeing" not in row


# 4. The figures of an overflowed run.

def test_heatmaps_say_inf_nan_and_never_all_zero_for_broken_grids(overflow) -> None:
    from report import figures

    heats = overflow.report.heats          # d = 10: each grid is the whole of dL/dW_k
    broken = [h for h in heats if not all(math.isfinite(v) for row in h.values for v in row)]
    zero = [h for h in heats if all(v == 0 for row in h.values for v in row)]
    assert broken
    svg = figures.heatmaps(heats)
    assert svg.count(">all 0<") == len(zero)
    assert "black: inf or nan" in svg
    for heat in broken:
        count = sum(not math.isfinite(v) for row in heat.values for v in row)
        assert heat.caption[-1] in (f"{count} inf/nan", "all inf/nan")


def test_scale_chart_marks_inf_nan_off_the_scale(overflow) -> None:
    from report import figures

    svg = figures.magnitudes(overflow.report.scales)
    assert "inf or nan: off the scale" in svg
    # No circle for an overflowed layer: it is a triangle, above the plot's top edge.
    top = float(re.search(r'<rect x="44" y="([\d.]+)"', svg).group(1))
    circles = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert len(circles) == sum(v != math.inf for s in overflow.report.scales for v in s.values)
    assert all(y >= top for y in circles)


def test_axis_labels_never_crowd() -> None:
    from report.figures import ticks

    for n in (2, 11, 12, 21, 41, 81, 101, 501):
        shown = ticks(n)
        assert shown[0] == 1 and shown[-1] == n and len(shown) <= 17
        gaps = [b - a for a, b in pairwise(shown)]
        assert min(gaps) >= max(1, 0.02 * n), (n, shown)


# 5. The notes for a dead output.

def test_dead_run_notes_say_zero_where_the_gradients_are_zero(build) -> None:
    built = build(RunConfig(seed=0))
    notes = built.report.notes
    assert notes.homework_label_max == "0"    # the label changes nothing here
    words = text_of(section(built.html, "notes"))
    assert "would be 5.2962" not in words and "The difference is large" not in words
    assert "every gradient is exactly 0 with either label" in words
    assert "0.0000 in this run" not in words


# 8. Prose per dtype, and the order of chapter 6's values.

def test_bitwise_section_is_worded_for_the_dtype(build, default_built) -> None:
    float64 = section(build(RunConfig(dtype="float64", batch=3)).html, "comparison")
    assert "Why the float64 results can be identical bit for bit" in float64
    assert "15 or 16 digits in float64" in text_of(float64)
    assert "Why the float32 results" in section(default_built.html, "comparison")


def test_output_layer_values_come_before_layer_one(default_built) -> None:
    page = default_built.html
    assert page.index('id="values-W11"') < page.index('id="values-W1"')
    # The appendix lists the other layers only: no second copy of these two.
    assert 'id="appendix-W11"' not in page and 'id="appendix-W1"' not in page
    assert all(f'id="appendix-W{k}"' in page for k in range(2, 11))


def test_one_node_table_explains_each_kind_once(default_built) -> None:
    from report.mathtext import prose

    page = default_built.html
    assert 'id="tab-kinds"' not in page
    table = re.search(r'id="tab-nodes">.*?</table>', page, re.S).group(0)
    for node in default_built.report.graph.nodes:
        row = re.search(rf'<tr id="node-{node.number}">.*?</tr>', table, re.S).group(0)
        if str(prose(node.explanation)) in row:
            continue
        model = int(re.search(r"As #(\d+)\.", row).group(1))
        assert f'<tr id="node-{model}">' in table and model < node.number



def test_log_axis_labels_a_few_decades_however_many_there_are() -> None:
    from report import figures
    from report.model import Scale

    svg = figures.magnitudes([Scale("wide", (1e-30, 1e5, 1e120)), Scale("narrow", (1.0, 3.0))])
    labels = re.findall(r">1e([+-]\d+)<", svg)
    assert 3 <= len(labels) <= 11
    assert int(labels[0]) <= -30 and int(labels[-1]) >= 120


def _layers(n: int, share: float = 1.0, d: int = 10):
    from report.model import Layer

    return [Layer(k, d, d, ("1.0000e+00",) * d, (True,) * d, ("1.0000e+00",) * d, d,
                  (share,) * d, "1.0000e+00") for k in range(1, n + 1)]


def test_network_caption_says_what_the_figure_draws(default_built, large_built) -> None:
    from report import figures

    for built, lines in ((default_built, True), (large_built, False)):
        layers, d = built.report.layers, built.report.config["d"]
        assert figures.draws_edges(layers, d) is lines
        assert ('stroke="#9db4d4"' in figures.network(layers, d)) is lines
        caption = re.search(r'id="fig-network">.*?</figcaption>', built.html, re.S).group(0)
        assert ("Lines join units" in caption) is lines
        assert ("lines between them are left out" in caption) is not lines


def test_network_layer_labels_never_crowd_each_other() -> None:
    from report import figures

    svg = figures.network(_layers(81), 10)
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="12.0"', svg)]
    assert len(xs) >= 5 and min(b - a for a, b in pairwise(xs)) > 15


def test_partly_on_units_have_a_key() -> None:
    from report import figures

    assert "shaded: on for that share of the batch" in figures.network(_layers(3, 0.5), 10)
    assert "shaded" not in figures.network(_layers(3, 1.0), 10)


def test_legend_triangles_have_the_colours_of_the_plotted_ones() -> None:
    from report import figures
    from report.model import Scale

    svg = figures.magnitudes([Scale("a", (1.0, math.inf, 2.0)), Scale("b", (math.inf, 3.0, 1.0))])
    fills = re.findall(r'<path d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+L[\d.]+ [\d.]+Z" fill="([^"]+)"/>',
                       svg)
    plotted, legend = fills[:2], fills[2:]
    assert len(set(plotted)) == 2 and sorted(legend) == sorted(plotted)


def test_dead_network_figures_draw_no_invented_scale() -> None:
    from report import figures
    from report.model import Heat, Scale

    svg = figures.magnitudes([Scale("dead", (0.0, 0.0, 0.0))])
    assert not re.search(r">1e[+-]\d+<", svg) and "exactly 0" in svg
    heats = [Heat(k, (2, 2), ((0.0, 0.0), (0.0, 0.0)), 0.0) for k in (1, 2)]
    assert figures.all_zero(heats)
    assert "<image" not in figures.heatmaps(heats) and "nothing to shade" in figures.heatmaps(heats)
    heats[0] = Heat(1, (2, 2), ((1.0, 0.0), (0.0, 0.0)), 1.0)
    assert not figures.all_zero(heats) and "<image" in figures.heatmaps(heats)
