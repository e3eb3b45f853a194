"""The keys of the stepping screen: one Binding per action, each with an id to remap it."""

from __future__ import annotations

from textual.binding import Binding


def _b(keys: str, action: str, text: str, name: str, help_text: str, show: bool = True) -> Binding:
    return Binding(keys, action, text, show=show, tooltip=help_text, id=f"gradtui.{name}")


# The footer shows the keys in this order and cuts what does not fit on the right:
# stepping, help and quit come first so that they are there at every width.
STEP_BINDINGS: tuple[Binding, ...] = (
    _b("n,right,down,space", "step(1)", "Next", "next", "next step"),
    _b("p,left,up", "step(-1)", "Prev", "previous", "previous step"),
    _b("f1,question_mark", "help", "Help", "help", "this help"),
    _b("q", "app.quit", "Quit", "quit", "quit"),
    _b("home", "go(0)", "First", "first", "first step", show=False),
    _b("end", "go(-1)", "Last", "last", "last step", show=False),
    _b("f", "phase('forward')", "Forward", "forward", "start of the forward pass",
       show=False),
    _b("b", "phase('backward')", "Backward", "backward", "start of the backward pass",
       show=False),
    _b("right_square_bracket", "next_different(1)", "Next ✗", "next-different",
       "next step whose passes differ or cannot be compared", show=False),
    _b("left_square_bracket", "next_different(-1)", "Prev ✗", "previous-different",
       "previous step whose passes differ or cannot be compared", show=False),
    _b("slash", "search", "Search", "search", "search the steps by name (z_3, delta, dW …)",
       show=False),
    _b("g", "jump_layer", "Layer", "layer", "go to a layer (also in the command palette)"),
    _b("v", "cycle_view", "View", "view",
       "cycle the grid shown: hand-written, autograd, difference (when not all fit)"),
    _b("l", "toggle_log", "Log", "log", "toggle a log scale of |value| for the colours"),
    _b("r", "resample", "New x", "resample", "resample x (the next draw; same parameters)",
       show=False),
    _b("s", "new_seed", "Seed", "seed", "new seed (asks for it)"),
    _b("i", "cycle_init", "Init", "init", "cycle the init: randn, kaiming, xavier",
       show=False),
    _b("t", "toggle_dtype", "Dtype", "dtype", "toggle float32 / float64", show=False),
    _b("e", "export", "Export", "export",
       "export torch_autograd.dat, my_autograd.dat and run.json"),
    _b("y", "copy_entry", "Copy", "copy-entry",
       "copy the entry under the cell cursor: both values, every digit, and its formula's "
       "terms", show=False),
    _b("Y", "copy_grid", "Copy grid", "copy-grid",
       "copy the grid (v chooses which) as tab-separated text, every digit", show=False),
    _b("I", "inputs", "Inputs", "inputs",
       "scroll to what the step is computed from (z_k: h_(k-1), W_k, b_k); again: back",
       show=False),
    _b("pagedown", "scroll_values(1)", "Page down", "page-down",
       "scroll the values down a page (tab: the grid's cell cursor, or the code pane, "
       "takes the arrow keys; escape: back to stepping)", show=False),
    _b("pageup", "scroll_values(-1)", "Page up", "page-up", "scroll the values up a page",
       show=False),
    _b("escape", "unfocus", "Steps", "unfocus", "the arrow keys step again", show=False),
)
