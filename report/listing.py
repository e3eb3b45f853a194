"""Code listings: Pygments' lexer, the file's own line numbers inline, few spans.

Inline numbers (a span at the start of each line) stay beside their line when a long
line wraps; table-style numbers drift. Only comments, keywords, strings, numbers and
function names get a colour, and neighbouring tokens of one colour share a span: every
span is a box WeasyPrint must lay out, and a fully tokenised listing costs ten times as
much to typeset. Marked lines get a band and an anchor (`manual_pass-37`) to link to.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from report.model import Listing

# Pygments token type (by its first two levels) -> our CSS class.
_CLASSES = {
    ("Comment",): "c", ("Keyword",): "k", ("Operator", "Word"): "k",
    ("Literal", "String"): "s", ("Literal", "Number"): "m",
    ("Name", "Function"): "f", ("Name", "Builtin"): "b",
}

CSS = """
.code .c { color: #5b8a99; }
.code .k { color: #00702a; }
.code .s { color: #3d6a9a; }
.code .m { color: #2f8a5a; }
.code .f { color: #06287e; }
.code .b { color: #00702a; }
"""


def css() -> str:
    """The colours of highlighted code, scoped to `.code`."""
    return CSS


def _css_class(token_type: tuple[str, ...]) -> str | None:
    parts = tuple(token_type)
    for length in (2, 1):
        if parts[:length] in _CLASSES:
            return _CLASSES[parts[:length]]
    return None


def _lines(source: str) -> list[list[tuple[str | None, str]]]:
    """The source as lines of (class, text) runs, runs of one class merged."""
    from pygments.lexers import PythonLexer

    lines: list[list[tuple[str | None, str]]] = [[]]
    for token_type, text in PythonLexer(stripnl=False, ensurenl=False).get_tokens(source):
        css_class = _css_class(token_type)
        for i, piece in enumerate(text.split("\n")):
            if i:
                lines.append([])
            if not piece:
                continue
            runs = lines[-1]
            if runs and runs[-1][0] == css_class:
                runs[-1] = (css_class, runs[-1][1] + piece)
            else:
                runs.append((css_class, piece))
    return lines


def warm() -> None:
    """Compile the Python lexer's patterns now (a tenth of a second the first time)."""
    _lines("def f(x: int) -> str:\n    return f'{x!r}'  # [z] a comment\n")


def highlight(listing: Listing) -> Markup:
    """The listing as highlighted HTML, numbered with its real file lines."""
    source = listing.source[:-1] if listing.source.endswith("\n") else listing.source
    width = len(str(listing.first_line + source.count("\n")))
    out = []
    for offset, runs in enumerate(_lines(source)):
        number = listing.first_line + offset
        body = "".join(str(escape(text)) if css_class is None
                       else f'<span class="{css_class}">{escape(text)}</span>'
                       for css_class, text in runs)
        line = f'<span class="linenos">{number:>{width}}</span>{body}'
        if number in listing.marks:
            line = f'<span class="hll" id="{anchor(listing)}-{number}">{line}</span>'
        out.append(line)
    return Markup('<div class="code"><pre><code>' + "\n".join(out) + "\n</code></pre></div>")


def anchor(listing: Listing) -> str:
    """The id prefix of the listing's marked lines: line 37 of manual_pass is `manual_pass-37`."""
    return listing.title


def source_line(listing: Listing, line: int) -> str:
    """The text of file line `line` of the listing, stripped."""
    return listing.source.splitlines()[line - listing.first_line].strip()
