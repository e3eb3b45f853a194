"""Report -> HTML: the Jinja2 templates (autoescaped), numbering and cross-references.

Figures, tables, equations and listings are numbered per chapter as the template meets
them; `ref(id)` may come before its target, so it leaves a placeholder that is filled
in once the whole document is rendered. The numbers are in the HTML itself, the same
on screen and in print.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from backprop.config import DEFAULT_SEED, RunConfig
from report import comparison, figures, listing, mathsvg, mathtext, tables
from report.equations import catalog
from report.graphview import first_of_each_kind, node_groups, node_kind, output_wires
from report.model import Report, omitted_layers, shown_layers

if TYPE_CHECKING:
    import jinja2

TEMPLATES = "report.templates"   # the package of the templates and the print CSS


def template_source(name: str) -> str:
    """The text of one of the report's templates or stylesheets, read from the package."""
    return resources.files(TEMPLATES).joinpath(name).read_text("utf-8")
TITLE = "Backpropagation, by autograd and by hand"

CHAPTERS = (
    ("problem", "The problem"),
    ("network", "The network"),
    ("forward", "The forward pass"),
    ("autograd", "Gradients by autograd"),
    ("by-hand", "Backpropagation by hand"),
    ("comparison", "The comparison"),
    ("graph", "The computational graph"),
    ("notes", "Notes on the assignment"),
    ("appendix", "Appendix: listings and reproduction"),
)
YOUR_PASS = ("your-pass", "Your backward pass")   # with --check, before the appendix
KINDS = {"chapter": "Chapter", "figure": "Figure", "table": "Table", "equation": "",
         "listing": "Listing"}
STEP_EQUATION = {"z": "eq-layer", "mask": "eq-mask", "h": "eq-relu", "loss": "eq-loss",
                 "grad_y_pred": "eq-grad-out", "delta": "eq-delta", "grad_W": "eq-grad-W",
                 "grad_b": "eq-grad-b", "grad_h": "eq-grad-h"}
_PLACEHOLDER = re.compile(r"@@(ref|text):([\w-]+)@@")


@dataclass
class Numbering:
    """Chapter-relative numbers for everything a reader may be sent to."""

    chapter: int | str = 0
    counts: dict[str, int] = field(default_factory=dict)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)   # id -> (kind, "3.2")

    def start_chapter(self, number: int | str, ident: str) -> str:
        """Begin chapter `number` (id `ch-<ident>`): its floats count from 1 again."""
        self.chapter, self.counts = number, {}
        self.labels[f"ch-{ident}"] = ("chapter", str(number))
        return ""

    def label(self, kind: str, ident: str) -> str:
        """Give `ident` the next number of its kind in this chapter, e.g. "4.2"."""
        if ident in self.labels:
            raise ValueError(f"{ident!r} is labelled twice")
        self.counts[kind] = self.counts.get(kind, 0) + 1
        number = f"{self.chapter}.{self.counts[kind]}"
        self.labels[ident] = (kind, number)
        return number

    def resolve(self, html: str) -> str:
        """Fill every placeholder: `ref` with a link carrying the number, `text` with it bare."""
        def link(match: re.Match) -> str:
            form, ident = match.group(1), match.group(2)
            if ident not in self.labels:
                raise KeyError(f"reference to {ident!r}, which is never labelled")
            kind, number = self.labels[ident]
            if kind == "equation":
                text = f"({number})"
            elif kind == "chapter" and not number.isdigit():
                text = f"Appendix {number}"
            else:
                text = f"{KINDS[kind]} {number}"
            return text if form == "text" else f'<a class="ref" href="#{ident}">{text}</a>'
        return _PLACEHOLDER.sub(link, html)


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment: templates/, autoescaping on, undefined names are errors."""
    import jinja2

    # Read through importlib.resources, so an installed wheel finds them as a checkout does.
    loader = jinja2.FunctionLoader(lambda name: (template_source(name), None, lambda: True))
    env = jinja2.Environment(loader=loader,
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["sup"] = superscript
    env.filters["code_spans"] = code_spans
    env.filters["maths"] = mathtext.formula          # ASCII formula -> inline maths
    env.filters["prose"] = mathtext.prose            # sentences with ASCII maths and `code`
    env.filters["inline_maths"] = mathtext.inline    # a chapter's hand-written maths
    env.filters["sig"] = lambda value: superscript(f"{0.0 if value == 0 else value:.4e}")
    env.filters["pencil"] = pencil
    env.filters["term"] = lambda value: (f"({pencil(value)})" if round(value, 10) < 0
                                         else pencil(value))      # a negative operand
    env.filters["e5"] = lambda value: f"{0.0 if value == 0 else value:.4e}"   # as in tables
    return env


def compile_templates() -> None:
    """Compile every template now, the chapters too: Jinja2 compiles an included one the
    first time it is met, which would be inside the first render (a quarter second)."""
    root = resources.files(TEMPLATES)
    for prefix in ("", "chapters/"):
        for item in sorted(root.joinpath(prefix).iterdir(), key=lambda item: item.name):
            if item.name.endswith(".j2"):
                environment().get_template(prefix + item.name)


def renderer_versions() -> dict[str, str]:
    """Versions of the libraries that typeset the report."""
    found = {}
    for name in ("jinja2", "weasyprint", "ziamath", "pygments"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def superscript(value: str) -> Markup:
    """-5.5338e+08 as -5.5338·10⁸ in running text (tables keep the e-notation)."""
    mantissa, sep, exponent = str(value).partition("e")
    if not sep:
        return Markup(escape(value))
    power = int(exponent)
    if power == 0:
        return Markup(escape(mantissa))
    return Markup(f"{escape(mantissa)}·10<sup>{power}</sup>")


def pencil(value: float) -> str:
    """A short decimal as a pencil writes it: 0.36, −0.5, 0 (float64 noise rounded off)."""
    text = f"{round(value, 10) + 0.0:g}"
    return text.replace("-", "−")


_BACKTICKS = re.compile(r"`([^`]+)`")


def code_spans(text: str) -> Markup:
    """Plain text whose `backticked` names are set as code, as in the graph's explanations."""
    return Markup(_BACKTICKS.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text))))


def svg_image(svg: str, alt: str, css_class: str = "figure-img") -> Markup:
    """An SVG as an `<img>` with a data URI: self-contained, and scaled as one picture."""
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup(f'<img class="{escape(css_class)}" src="{uri}" alt="{escape(alt)}">')


def chapters(report: Report) -> tuple[tuple[str, str], ...]:
    """The report's chapters: "Your backward pass" too when it checked the reader's own."""
    return CHAPTERS if report.your_pass is None else (*CHAPTERS[:-1], YOUR_PASS, CHAPTERS[-1])


def render_html(report: Report, stylesheet: str | None = None) -> str:
    """The whole report as one self-contained HTML document."""
    numbering = Numbering()
    equations = catalog(RunConfig(**report.config))

    def equation(ident: str) -> Markup:
        number = numbering.label("equation", ident)
        image = mathsvg.typeset(equations[ident])
        return Markup(f'<div class="equation" id="{ident}">{image.html("math display")}'
                      f'<span class="eqno">({number})</span></div>')

    def label(kind: str, ident: str) -> str:
        return f"{KINDS[kind]} {numbering.label(kind, ident)}"

    def ref(ident: str) -> Markup:
        return Markup(f"@@ref:{ident}@@")

    def ref_text(ident: str) -> Markup:   # the number alone: a link is a box to lay out
        return Markup(f"@@text:{ident}@@")

    css = stylesheet if stylesheet is not None else template_source("report.css")
    lines_by_tag = {step.tag: step.line for step in report.steps}
    context = {
        "r": report, "title": TITLE, "chapters": chapters(report), "n": report.config["K"] + 1,
        "css": Markup(css + "\n" + listing.css()),
        "screen_css": Markup(template_source("screen.css")),
        "start_chapter": numbering.start_chapter, "label": label, "ref": ref,
        "ref_text": ref_text,
        "equation": equation, "math": lambda tex: mathsvg.typeset(tex).html(),
        "figures": figures, "tables": tables, "comparison": comparison, "listing": listing,
        "svg_image": svg_image,
        "shown_layers": shown_layers(report.config["K"] + 1), "omitted_layers": omitted_layers,
        "renderer_versions": renderer_versions(), "default_seed": DEFAULT_SEED,
        "lines_by_tag": lines_by_tag, "step_equation": STEP_EQUATION,
        "node_groups": node_groups, "node_kinds": first_of_each_kind, "node_kind": node_kind,
        "output_wires": output_wires,
    }
    html = environment().get_template("report.html.j2").render(context)
    return numbering.resolve(html)
