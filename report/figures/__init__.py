"""The report's figures, drawn as SVG text by hand.

Why not matplotlib: it is not otherwise needed, importing it costs far more than these
few hundred lines of shapes, and hand-made SVG comes out byte-identical for the same run
(deterministic), small, and with real text WeasyPrint puts in the PDF.
The drawings are one module each; their names are gathered here for the templates.
"""

from report.figures.heatmaps import all_zero, heatmaps, png
from report.figures.magnitudes import magnitudes
from report.figures.network import draws_edges, network, partly_on
from report.figures.svg import ticks

__all__ = ["all_zero", "draws_edges", "heatmaps", "magnitudes", "network", "partly_on", "png",
           "ticks"]
