"""Make docs/gradtui.png: gradtui's own SVG screenshot at 160x45, turned into a PNG.

Chromium renders the SVG faithfully (cairosvg misplaces letter spacing), so the PNG step
needs `chromium` (Debian: apt-get install -y chromium); without it only the SVG is written.
Run: .venv/bin/python scripts/gradtui-screenshot.py
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backprop.config import RunConfig  # noqa: E402
from tui.app import GradTUI  # noqa: E402

# dL/dW_1: a 10x10 gradient beside its code line, finite differences done, the cell cursor
# on entry [2,3] and its formula in the step info.
KEYS = ("end", "p", "tab", "down", "right", "right")


async def svg_screenshot() -> str:
    """The app at 160x45 (the two passes side by side), on the step KEYS lead to, as SVG."""
    app = GradTUI(RunConfig())
    async with app.run_test(size=(160, 45)) as pilot:
        while getattr(app.screen, "run", None) is None or app.screen.run.fd is None:
            await pilot.pause(0.05)
        await pilot.press(*KEYS)
        await pilot.pause(0.2)
        return app.export_screenshot()


def main() -> int:
    """Write docs/gradtui.svg and, with chromium, docs/gradtui.png."""
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    svg = docs / "gradtui.svg"
    text = asyncio.run(svg_screenshot())
    svg.write_text(text, encoding="utf-8")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print(f"wrote {svg}; install chromium to make the PNG", file=sys.stderr)
        return 1
    width, height = (int(float(v)) + 1 for v in
                     re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', text).groups())
    png = docs / "gradtui.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={width},{height}", f"--screenshot={png}",
                    svg.resolve().as_uri()], check=True, capture_output=True)
    svg.unlink()   # the PNG is what the README shows
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
