"""Typeset LaTeX as SVG images (ziamath): WeasyPrint runs no JavaScript and flattens MathML.

Each equation becomes an `<img>` with a data URI, sized in em so it scales with the text,
lowered by its depth so its baseline sits on the text's, with the LaTeX as alt text.
Typesetting is the slow part, and the same LaTeX always gives the same picture: each one
is kept in a cache folder (under the user's cache dir, one folder per ziamath version), so
a later build reads it back without importing ziamath at all.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from markupsafe import Markup, escape

# DejaVu Math matches the DejaVu text faces; ziamath's own STIX Two Math is the fallback.
DEJAVU_MATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf")
RENDER_SIZE = 24.0        # ziamath's pixels per em
MARGIN = 1.0              # ziamath's default margin around the drawing, in its pixels
_SIZE = re.compile(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"')


@dataclass(frozen=True)
class MathImage:
    """One typeset equation: the LaTeX, the SVG as a data URI and its size in em."""

    tex: str
    uri: str
    width: float      # em
    height: float     # em
    depth: float      # em below the baseline (the img's vertical-align is -depth)

    def html(self, css_class: str = "math") -> Markup:
        """The `<img>` element, with the LaTeX as its alt text."""
        return Markup(
            f'<img class="{escape(css_class)}" src="{self.uri}" alt="{escape(self.tex)}" '
            f'style="width:{self.width:.3f}em;height:{self.height:.3f}em;'
            f'vertical-align:{-self.depth:.3f}em">')


@cache
def _font() -> str | None:
    return str(DEJAVU_MATH) if DEJAVU_MATH.is_file() else None


def cache_folder() -> Path:
    """Where typeset equations are kept: $XDG_CACHE_HOME (or ~/.cache)/backprop-lab/math-V."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "backprop-lab" / f"math-{metadata.version('ziamath')}"


def _cache_file(tex: str) -> Path:
    key = f"{tex}\0{_font()}\0{RENDER_SIZE}\0{MARGIN}".encode()
    return cache_folder() / f"{hashlib.sha256(key).hexdigest()[:32]}.json"


@cache
def typeset(tex: str) -> MathImage:
    """Typeset `tex` (display style); the same LaTeX always gives the same image."""
    path = _cache_file(tex)
    try:
        found = MathImage(**json.loads(path.read_text("utf-8")))
        if found.tex == tex:
            return found
    except (OSError, ValueError, TypeError):
        pass    # not cached yet, or a damaged entry: typeset it again
    image = _typeset(tex)
    try:        # a cache that cannot be written only costs the next build the time
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(asdict(image)), "utf-8")
        os.replace(partial, path)
    except OSError:
        pass
    return image


def _typeset(tex: str) -> MathImage:
    import ziamath

    math = ziamath.Latex(tex, font=_font(), size=RENDER_SIZE, margin=MARGIN)
    svg = math.svg()
    found = _SIZE.search(svg)
    if found is None:
        raise ValueError(f"ziamath gave an SVG without a size for {tex!r}")
    width, height = float(found.group(1)), float(found.group(2))
    depth = MARGIN - math.getyofst()   # getyofst is the (negative) bottom of the drawing
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return MathImage(tex, uri, width / RENDER_SIZE, height / RENDER_SIZE, depth / RENDER_SIZE)


def warm(texs: list[str]) -> None:
    """Typeset every LaTeX string in `texs` now, so later calls are cache hits."""
    for tex in texs:
        typeset(tex)
