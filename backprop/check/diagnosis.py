"""Diagnosis by signature: the student's results matched against every mistaken pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from backprop.check.agree import same_results
from backprop.check.contract import inputs
from backprop.check.mutants import BY_TAG, candidates, mutant, wrong_pass
from backprop.check.sweep import options, size_key
from backprop.problem import Problem


@dataclass(frozen=True)
class Call:
    """One config the student's function ran on, with what it and autograd gave."""

    problem: Problem
    mine: dict[str, torch.Tensor]       # the student's gradients, W1, b1, ...
    autograd: dict[str, torch.Tensor]
    agree: bool
    output_off: bool                    # some row's output pre-activation is <= 0
    live: bool                          # some row's output is on: not every gradient is 0
    hidden_off: bool                    # some hidden unit is off in some row


@dataclass(frozen=True)
class Diagnosis:
    """What the student's pass behaves like: correct, a known mistake (or two), or unknown."""

    status: str                           # "correct", "matched" or "unmatched"
    mistakes: tuple[tuple[str, ...], ...]  # each matching pass's mistakes (tags)
    sentence: str


def diagnose(calls: Sequence[Call]) -> Diagnosis:
    """Match the student's results against every single and paired mistake on all calls."""
    total = len(calls)
    failing = [i for i, call in enumerate(calls) if not call.agree]
    if not failing:
        return Diagnosis("correct", (), f"your pass agrees with autograd on all {total} "
                                         "configs: no mistake to diagnose.")
    smallest = min(failing, key=lambda i: (size_key(calls[i].problem.config), i))
    where = options(calls[smallest].problem.config)
    order = [*sorted(failing, key=lambda i: size_key(calls[i].problem.config)),
             *(i for i in range(total) if calls[i].agree)]
    tried = candidates()
    # One mistake that explains every result is the simpler account: pairs only if none does.
    best = [c for c in tried if len(c) == 1 and _matches(c, calls, order)] or [
        c for c in tried if len(c) == 2 and _matches(c, calls, order)]
    if not best:
        return Diagnosis("unmatched", (), (
            f"no known mistake matches: your pass differs from autograd in {len(failing)} of "
            f"{total} configs (smallest: {where}) and from each of the {len(tried)} mistaken "
            "passes tried (every typical mistake and every pair of them)."))
    tags = tuple(tuple(sorted(c, key=_rank)) for c in best)
    if len(best[0]) == 1:
        does = ", or like one that ".join(BY_TAG[t[0]].does for t in tags)
        alike = " (the sweep cannot tell them apart)" if len(tags) > 1 else ""
        evidence = _evidence(tags[0][0], calls, failing) if len(tags) == 1 else (
            f"it matches those passes on all {total} configs and differs from autograd in "
            f"{len(failing)}")
        sentence = f"your pass behaves like one that {does}{alike}: {evidence} (smallest: {where})."
    else:
        pairs = ", or like one that ".join(" and ".join(BY_TAG[t].does for t in pair)
                                           for pair in tags)
        sentence = (f"your pass behaves like one that {pairs}: it matches such a pass on all "
                    f"{total} configs and differs from autograd in {len(failing)} "
                    f"(smallest: {where}).")
    return Diagnosis("matched", tags, sentence)


def _rank(tag: str) -> int:
    return list(BY_TAG).index(tag)


def _matches(mistakes: frozenset[str], calls: Sequence[Call], order: list[int]) -> bool:
    """True when the mistaken pass gives the student's results on every call."""
    if "accumulates" in mistakes:   # its state depends on the calls before: run them in order
        backward = mutant(mistakes)
        return all(_same(calls[i], backward(*inputs(calls[i].problem)))
                   for i in range(len(calls)))
    return all(_same(calls[i], wrong_pass(*inputs(calls[i].problem), mistakes)) for i in order)


def _same(call: Call, grads: tuple[list[torch.Tensor], list[torch.Tensor]]) -> bool:
    grad_W, grad_b = grads
    theirs = {}
    for k, (gW, gb) in enumerate(zip(grad_W, grad_b), start=1):
        theirs[f"W{k}"], theirs[f"b{k}"] = gW, gb
    return same_results(call.mine, theirs)


def _shows(tag: str, call: Call, seen: set) -> bool:
    """Whether `tag`'s mistake can change a result on this call (its `shows` condition)."""
    config = call.problem.config
    live = call.live
    return {
        "no_output_mask": call.output_off,
        "no_hidden_masks": live and call.hidden_off,
        "wrong_layer_mask": live,
        "transposed_dW": live and config.d > 1,
        "h_k_for_h_km1": live,
        "W_not_transposed": live and config.K >= 2 and config.d > 1,
        "factor_one": live,
        "label_half": live,
        "bias_mean": live and config.batch > 1,
        "bias_first_row": live and config.batch > 1,
        "accumulates": _shapes(call) in seen,
    }[tag]


def _shapes(call: Call) -> tuple:
    return tuple(tuple(t.shape) for t in call.autograd.values())


def _evidence(tag: str, calls: Sequence[Call], failing: list[int]) -> str:
    """'it agrees whenever <hides> and differs in the N configs where <shows>', if true."""
    mistake = BY_TAG[tag]
    total = len(calls)
    generic = (f"it matches that pass on all {total} configs and differs from autograd in "
               f"{len(failing)}")
    if mistake.shows is None:
        return generic
    seen: set = set()
    shows = set()
    for i, call in enumerate(calls):
        if _shows(tag, call, seen):
            shows.add(i)
        seen.add(_shapes(call))
    if shows == set(failing):
        return (f"it agrees whenever {mistake.hides} and differs in the {len(failing)} configs "
                f"where {mistake.shows}")
    if set(failing) < shows:
        return (f"it differs in {len(failing)} of the {len(shows)} configs where "
                f"{mistake.shows} and agrees in all the others")
    return generic
