"""Draw the program's icon once: resources/icons/dangyuan-jifen.png (256 px) and .ico (16–256 px).

Run by hand when the icon changes (`uv run python packaging/make_icon.py`); the files are
committed, so a build never draws them. A red square with rounded corners, a gold star and
积分 in the bundled font.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "LXGWWenKai-Bold.ttf"
RED, GOLD = (200, 16, 30, 255), (255, 214, 0, 255)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def draw(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=RED)
    pen.polygon(star(size / 2, size * 0.36, size * 0.27, size * 0.11), fill=GOLD)
    font = ImageFont.truetype(str(FONT), int(size * 0.30))
    pen.text((size / 2, size * 0.80), "积分", font=font, fill=GOLD, anchor="mm")
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.resize((256, 256), Image.LANCZOS).save(ICONS / "dangyuan-jifen.png")
    image.save(ICONS / "dangyuan-jifen.ico", sizes=ICO_SIZES)
    print(f"wrote {ICONS / 'dangyuan-jifen.png'} and .ico")


if __name__ == "__main__":
    main()
