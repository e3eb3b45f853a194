"""The third check of a step: what finite differences (float64) say, once they are done.

The two passes are on screen first; the finite differences follow from a worker, and
until then the line says they are being computed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

if TYPE_CHECKING:
    from backprop.fd import FiniteDifferences, ParamCheck
    from backprop.steps import Step

PARAMETER_TAGS = {"grad_W": "W", "grad_b": "b"}


def checks_for(fd: FiniteDifferences, step: Step) -> tuple[ParamCheck, ...]:
    """The checks of the parameter a gradient step computes; every check for other steps."""
    prefix = PARAMETER_TAGS.get(step.tag)
    if prefix is None or step.layer is None:
        return fd.params
    return tuple(p for p in fd.params if p.name == f"{prefix}{step.layer}") or fd.params


def fd_line(fd: FiniteDifferences | None, step: Step) -> Content:
    """`finite differences (float64): agree on 98 of 100 entries, 2 at kinks`."""
    head = "finite differences (float64)"
    if fd is None:
        return Content.styled(f"{head}: computing in the background …", "dim")
    checks = checks_for(fd, step)
    whose = "" if checks is fd.params else f" of {checks[0].name}"
    checked = sum(p.checked for p in checks)
    resolved = sum(p.resolved for p in checks)
    kinks, noisy = sum(p.kinks for p in checks), sum(p.unresolved for p in checks)
    notes = [f"{kinks} at kinks"] if kinks else []
    notes += [f"{noisy} lost in rounding"] if noisy else []
    rest = "".join(f", {note}" for note in notes)
    if not all(p.agree for p in checks):
        return Content.assemble(f"{head}{whose}: ", ("DISAGREE", "bold $error"),
                                f" on some of {resolved} entries judged{rest}")
    style = "$success" if resolved else "$warning"
    return Content.styled(f"{head}{whose}: agree on {resolved} of {checked} entries{rest}",
                          style)
