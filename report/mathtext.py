"""Inline maths as HTML text, styled as the typeset equations: <var> letters, the rest upright.

Three sources feed it. A backward node's formula ("grad_self = g @ mat2^T") and its
explanation (sentences with "dL/dz11 = g * m_11" in them) are plain ASCII from
backprop.graph.explain; the chapters' own sentences write maths by hand as δ<sub>k</sub>.
All three come out the same way: each symbol is one `<span class="m">`, a letter in `<var>`,
its subscript and superscript (stacked when it has both, as ziamath sets W_k^⊤), with real
minus signs, · for *, juxtaposition for @, ⊤ for a transpose and ∂ for d in dL/dx.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eps": "ε",
         "lambda": "λ", "mu": "μ", "sigma": "σ", "phi": "φ", "Phi": "Φ", "theta": "θ",
         "tau": "τ", "rho": "ρ", "pi": "π"}
OPERATORS = {"*": "·", "@": "", "-": "−", "==": "=", "<=": "≤", ">=": "≥", "!=": "≠",
             "'": "’"}
# Two letters or fewer in a script are indices (k, ij, ri); a longer run is a word (pred).
_SCRIPT = re.compile(r"[A-Za-zα-ωΑ-Ω]+|-|.", re.S)
_TOKEN = re.compile(r"""
    (?P<grad>dL/d(?=[A-Za-z(]))
  | (?P<name>[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)
  | (?P<num>\d+(?:\.\d+)?(?:e[-+]?\d+)?)
  | (?P<tr>\.T\b|\^T\b)
  | (?P<pow>\*\*|\^)
  | (?P<op>\+=|<=|>=|==|!=|[-+*/@=<>])
  | (?P<code>`[^`]+`)
  | (?P<other>.)""", re.X | re.S)


def symbol(base: str, sub: str = "", sup: str = "", italic: bool = True,
           wrap: bool = True) -> str:
    """One symbol as HTML (escaped already): base, then its scripts, stacked when both."""
    base = f"<var>{base}</var>" if italic else base
    if sub and sup:
        # The first script takes no width, so the second starts where it does: put the
        # narrower first (by its letters: ⊤ is wider than k, narrower than 11 or k−1).
        pair = (f"<sup>{sup}</sup>", f"<sub>{sub}</sub>")
        if len(_TAGS.sub("", sub)) <= len(_TAGS.sub("", sup)):
            pair = pair[::-1]
        scripts = f'<span class="ss">{pair[0]}{pair[1]}</span>'
    else:
        scripts = f"<sub>{sub}</sub>" if sub else f"<sup>{sup}</sup>" if sup else ""
    return f'<span class="m">{base}{scripts}</span>' if wrap else base + scripts


def script(text: str) -> str:
    """A sub- or superscript's HTML: index letters italic, words and digits upright."""
    out = []
    for piece in _SCRIPT.findall(text):
        if piece.isalpha() and len(piece) <= 2 and piece != "T":
            out.extend(f"<var>{letter}</var>" for letter in piece)
        elif piece in ("T", "⊤"):
            out.append("⊤")
        else:
            out.append("−" if piece == "-" else piece)
    return "".join(out)


def _name(name: str) -> tuple[str, str, bool]:
    """(base, subscript, italic) of an ASCII name: z11, W_3, delta_11, y_pred, x_hat, mat2."""
    parts = name.split("_")
    head = GREEK.get(parts[0], parts[0])
    single = len(head) == 1
    if len(parts) == 2 and parts[1] == "hat" and single:
        return head + "\u0302", "", True
    if len(parts) == 1:
        found = re.fullmatch(r"([A-Za-z]+?)(\d+)", name)
        if found and len(GREEK.get(found.group(1), found.group(1))) == 1:
            return GREEK.get(found.group(1), found.group(1)), found.group(2), True
        return head, "", single and head not in _UPRIGHT
    index = "_".join(parts[1:])
    if single:
        return head, script(index), True
    if len(parts) == 2 and (len(parts[1]) == 1 or parts[1].isdigit()):
        return head, script(parts[1]), False        # offset_i, size_i, target_i
    return name, "", False                          # sum_rows, negative_slope: a name


class _Symbols:
    """Builds the HTML of one text: symbols with their scripts, operators between them."""

    def __init__(self, wrap: bool = True) -> None:
        self.wrap = wrap                  # False inside a superscript: one span is enough
        self.out: list[str] = []
        self.last: list | None = None     # [base, sub, sup, italic] of the latest symbol
        self.prefix = ""                  # ∂L/∂, set on the symbol that follows it

    def add(self, base: str, sub: str = "", italic: bool = True) -> None:
        self.flush()
        self.last = [base, sub, "", italic]

    def text(self, html: str) -> None:
        self.flush()
        if self.prefix and html.strip():  # ∂L/∂(h10 W11): the prefix stands on its own
            self.out.append(symbol(self.prefix, italic=False, wrap=self.wrap))
            self.prefix = ""
        self.out.append(html)

    def raise_(self, sup: str) -> None:
        if self.last is None:
            self.out.append(f'<span class="m"><sup>{sup}</sup></span>')
        else:
            self.last[2] = sup

    def flush(self) -> None:
        if self.last is not None:
            base, sub, sup, italic = self.last
            base = f"<var>{base}</var>" if italic else base
            self.out.append(symbol(self.prefix + base, sub, sup, False, self.wrap))
            self.last, self.prefix = None, ""

    def html(self) -> str:
        self.flush()
        return "".join(self.out)


def _exponent(tokens: list[re.Match], i: int) -> tuple[str, int]:
    """The superscript starting at token i (after ^ or **): a name, a number or a group."""
    if i >= len(tokens):
        return "", i
    first = tokens[i]
    if first.group() == "(":
        depth, j = 1, i + 1
        while j < len(tokens) and depth:
            depth += {"(": 1, ")": -1}.get(tokens[j].group(), 0)
            j += 1
        inner = "".join(t.group() for t in tokens[i + 1:j - 1])
        return _render(inner, wrap=False), j
    if first.group() == "-" and i + 1 < len(tokens):
        rest, j = _exponent(tokens, i + 1)
        return "−" + rest, j
    if first.lastgroup == "name":
        base, sub, italic = _name(first.group())
        if base == "T" and not sub:
            return "⊤", i + 1
        base = f"<var>{base}</var>" if italic else base
        return base + (f"<sub>{sub}</sub>" if sub else ""), i + 1
    return str(escape(first.group())), i + 1


def _render(text: str, prose: bool = False, wrap: bool = True) -> str:
    tokens = list(_TOKEN.finditer(text))
    built = _Symbols(wrap)
    i = 0
    while i < len(tokens):
        token, kind = tokens[i], tokens[i].lastgroup
        value = token.group()
        if kind == "grad":
            built.prefix = _GRAD
        elif kind == "name" and value.startswith("grad_") and not prose:
            built.prefix = _GRAD
            built.add(*_name(value[5:]))
        elif kind == "name" and ((prose and not _maths_word(text, token))
                                 or text[token.start() - 1:token.start()] == "'"):
            # requires_grad, log_softmax: a name from the code, not a symbol with an index
            built.text(f"<code>{value}</code>" if "_" in value else value)
        elif kind == "name":
            built.add(*_name(value))
        elif kind == "num":
            built.text(value)
        elif kind == "tr":
            built.raise_("⊤")
        elif kind == "pow":
            sup, i = _exponent(tokens, i + 1)
            built.raise_(sup)
            continue
        elif kind == "op":
            built.text(_operator(text, token, prose))
        elif kind == "code":
            built.text(f"<code>{escape(value[1:-1])}</code>")
        else:
            built.text(str(escape(OPERATORS.get(value, value))))
        i += 1
    return built.html()


def _operator(text: str, token: re.Match, prose: bool) -> str:
    value = token.group()
    if value == "-" and prose:
        before = text[token.start() - 1:token.start()]
        after = text[token.end():token.end() + 1]
        if before.isalpha() and after.isalpha():
            return "-"                     # a hyphen: pre-activation
    return str(escape(OPERATORS.get(value, value)))


_TAGS = re.compile(r"<[^>]*>")
_ARTICLES = ("a", "A", "I")
_GRAD = "∂<var>L</var>/∂"
_UPRIGHT = "ΓΔΘΛΠΣΦΨΩ"      # capital Greek stands upright in maths


def _maths_word(text: str, token: re.Match) -> bool:
    """In a sentence, is this name maths (z11, y_pred, g) rather than English (a, the)?"""
    name = token.group()
    if "_" in name:
        tail = name.rsplit("_", 1)[1]
        return len(name.split("_")[0]) == 1 or len(tail) == 1 or tail.isdigit()
    if re.fullmatch(r"[A-Za-z]\d+", name):
        return True
    if len(name) > 1:
        return name in GREEK and name not in ("pi", "mu")
    before = text[:token.start()]
    after = text[token.end():]
    if before.endswith(("'", "’", ".")) or before[-1:].isdigit() \
            or (re.search(r"[A-Za-z]\($", before) and after.startswith(")")):
        return False                       # row's, e.g., dimension(s)
    if after.startswith((".", "(")) and after[1:2].isalpha():
        return False                       # a method: x.pow(2) is code, not a product
    if name in _ARTICLES:
        return bool(re.match(r"\s?[=+*@\[^]", after) or re.search(r"[=+*@]\s?$", before))
    return True


def formula(text: str) -> Markup:
    """A formula in ASCII ("grad_self = g * other") as inline maths."""
    return Markup(_render(str(text)))


def prose(text: str) -> Markup:
    """Sentences with ASCII maths in them (dL/dz11 = g @ W11^T) and `code`, as HTML."""
    return Markup(_render(str(text), prose=True))


# Hand-written maths in the chapters: a letter (or a closing bracket, or a number) with its
# <sub>/<sup>, or a letter standing alone as a word (k, B, δ). Code, listings, styles,
# pictures and maths already set are passed over whole.
_HTML = re.compile(r"""
    (?P<skip><(?P<tag>code|pre|style|script|svg|title|textarea)\b.*?</(?P=tag)>
           | <span\ class="m">(?:<span\ class="ss">.*?</span>|.)*?</span>
           | <var>.*?</var> | <[^>]*> | &\#?\w+;)
  | (?P<pre>∂L/∂|(?<![\w/])dL/d(?=\w<su|[A-Za-z](?!\w|\.\w)))?
    (?P<base>(?(pre)|(?<![\w&#;.'’-]))[A-Za-zα-ωΑ-Ω](?!\w)|(?<![\w.])\d+(?=<su)|\)(?=<su))
    (?:<sub>(?P<sub>[^<]*)</sub>)?(?:<sup>(?P<sup>[^<]*)</sup>)?""", re.X | re.S)


def inline(html: str) -> Markup:
    """HTML whose hand-written maths (δ<sub>k</sub>, a lone k) is set as maths."""
    return Markup(_HTML.sub(_inline_symbol, str(html)))


def _inline_symbol(found: re.Match) -> str:
    if found.group("skip"):
        return found.group()
    base, sub, sup = found.group("base"), found.group("sub") or "", found.group("sup") or ""
    if not (base.isalpha() or sub or sup):
        return base                      # a number or a bracket with no script
    if base.isalpha() and not (sub or sup) and base in _ARTICLES:
        return base                      # the article, not a variable
    if base.isalpha() and base not in _UPRIGHT:
        base = f"<var>{base}</var>"
    if found.group("pre"):
        base = _GRAD + base
    if base.isdigit() and re.fullmatch(r"-?\d+", sup):
        return symbol(base, sub, sup, italic=False)   # 10<sup>-3</sup> is a number's own
    return symbol(base, script(sub), script(sup), italic=False)
