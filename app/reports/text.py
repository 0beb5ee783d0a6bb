"""Measuring, wrapping and formatting text for the printed page.

`wrap_text` breaks Chinese between any two characters, keeps runs of Latin letters and
digits whole, never starts a line with closing punctuation (，。）》” …) and never ends one
with an opening bracket or quote. Results are cached: a township's scorecards repeat the
same item names thousands of times.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import getFont

from app.domain.points import format_points
from app.domain.dates import day_text
from app.reports.data import star_title  # noqa: F401  (formatting helpers in one place)
from app.reports.layout import FONT, FONT_BOLD, NO_LINE_END, NO_LINE_START, ensure_fonts

_CN_DIGITS = "〇一二三四五六七八九"


@lru_cache(maxsize=65536)
def _char_units(font_name: str, char: str) -> float:
    """Width of one character in thousandths of the font size."""
    face = getFont(font_name).face
    return face.getCharWidth(ord(char))


def text_width(text: str, size: float, bold: bool = False) -> float:
    ensure_fonts()
    name = FONT_BOLD if bold else FONT
    return sum(_char_units(name, ch) for ch in text) * size / 1000


@lru_cache(maxsize=65536)
def line_width(text: str, size: float, bold: bool = False) -> float:
    """`text_width`, remembered: the same item names and labels recur on every card."""
    return text_width(text, size, bold)


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "+-._/:%@#")


NUMBER_UNITS = "年月日号时分秒岁名人次天个条张页"  # kept on the line of the number before them: “2026年”, “12月”


def _tokens(text: str) -> list[str]:
    """Break opportunities: every CJK character alone, Latin words and numbers whole (a number
    with the unit after it: “2026年” never breaks), spaces alone."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if _is_word_char(ch):
            word += ch
            continue
        if word:
            if ch in NUMBER_UNITS and word[-1].isdigit():
                word += ch
                ch = ""
            tokens.append(word)
            word = ""
        if ch:
            tokens.append(ch)
    if word:
        tokens.append(word)
    return tokens


def _split_long(token: str, width: float, size: float, bold: bool) -> list[str]:
    """A Latin word wider than the line is cut where it must be."""
    parts, current = [], ""
    for ch in token:
        if current and text_width(current + ch, size, bold) > width:
            parts.append(current)
            current = ch
        else:
            current += ch
    return parts + ([current] if current else [])


@lru_cache(maxsize=16384)
def wrap_text(text: str, width: float, size: float, bold: bool = False) -> tuple[str, ...]:
    """Lines of `text` no wider than `width` points at `size`; explicit newlines are kept."""
    lines: list[str] = []
    for paragraph in (text or "").split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, size, bold))
    return tuple(lines) or ("",)


def _wrap_paragraph(text: str, width: float, size: float, bold: bool) -> list[str]:
    width += 0.01  # measured widths are sums of floats
    if text_width(text, size, bold) <= width:
        return [text]
    lines: list[list[str]] = []
    line: list[str] = []
    used = 0.0
    for token in _tokens(text):
        token_width = text_width(token, size, bold)
        if used + token_width <= width or not line and token_width <= width:
            line.append(token)
            used += token_width
            continue
        if token.isspace():
            lines.append(line)
            line = []
        elif token_width > width:
            line = _place_long_word(lines, line, _split_long(token, width, size, bold))
        else:
            line = _break_before(lines, line, token)
        used = text_width("".join(line), size, bold)
    if line:
        lines.append(line)
    return ["".join(parts).strip() for parts in lines if "".join(parts).strip()]


def _place_long_word(lines: list[list[str]], line: list[str], pieces: list[str]) -> list[str]:
    """A word (or a character) wider than a line: each piece but the last on a line of its own;
    the last starts the next."""
    if line:
        lines.append(line)
    lines.extend([piece] for piece in pieces[:-1])
    return [pieces[-1]]


def _break_before(lines: list[list[str]], line: list[str], token: str) -> list[str]:
    """Ends `line` (into `lines`) before `token` and returns the next line's start: characters
    move down with the token so that no line starts with closing punctuation and none ends
    with an opening bracket or quote."""
    carry = _carried_by_closing(line) if token in NO_LINE_START else []
    while line and line[-1] in NO_LINE_END:
        carry.insert(0, line.pop())
    _drop_trailing_space(line)
    if line:
        lines.append(line)
    return carry + [token]


def _carried_by_closing(line: list[str]) -> list[str]:
    """Closing punctuation may not start the next line: the last character (or word) goes down
    with it, and when that is punctuation too (“）。”), further back to a character that may."""
    carry: list[str] = []
    _drop_trailing_space(line)
    while line and (not carry or carry[0] in NO_LINE_START):
        carry.insert(0, line.pop())
        _drop_trailing_space(line)
    return carry


def _drop_trailing_space(line: list[str]) -> None:
    while line and line[-1].isspace():
        line.pop()


def fit_size(text: str, width: float, size: float, minimum: float, bold: bool = False) -> float:
    """The largest size not above `size` (down to `minimum`) at which `text` fits on one line."""
    measured = text_width(text, size, bold)
    if measured <= width or measured == 0:
        return size
    return max(minimum, size * width / measured)


def points_text(value: Decimal) -> str:
    return format_points(value)


def two_decimals(value: Decimal) -> str:
    """'92.50', '8.00': a score its paper says is kept to two decimals (评议得分, 十分制得分), printed
    so, where points_text would drop the zeros a reader takes for a lost digit."""
    return f"{value:.2f}"


def signed_points(value: Decimal) -> str:
    """'+2', '-0.5', '0': an entry's points as the card shows them."""
    text = format_points(value)
    return text if text.startswith("-") or text == "0" else "+" + text


def date_text(day: date) -> str:
    return day_text(day)


def short_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _cn_number(value: int) -> str:
    """1–31 in Chinese numerals as dates are written: 十, 十一, 二十, 二十三, 三十一."""
    if value < 10:
        return _CN_DIGITS[value]
    tens, ones = divmod(value, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def chinese_date(day: date) -> str:
    """二〇二六年十一月二十三日: the date as certificates write it."""
    year = "".join(_CN_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_cn_number(day.month)}月{_cn_number(day.day)}日"


def stars_text(stars: int) -> str:
    return "★" * stars


def fit_widths(columns: list[list[str]], width: float, size: float, flexible: set[int], padding: float) -> list[float]:
    """Column widths for a table filling `width`.

    `columns[i]` is column i's header followed by its cells. Fixed columns are as wide as
    their widest cell, so numbers and short labels never wrap. Flexible columns (names,
    remarks) share the rest: when there is room each gets its widest cell plus a share of
    the surplus (equal shares); when there is not, the widest are narrowed first (they wrap), so a long
    remark never squeezes the names.
    """
    natural = [
        max((text_width(line, size, index == 0) for index, text in enumerate(cells) for line in text.split("\n")), default=0)
        + 2 * padding
        + 1  # a point of slack, so that rounding never wraps a cell that was measured to fit
        for cells in columns
    ]
    widths = list(natural)
    flex = sorted(flexible, key=lambda i: natural[i])
    room = width - sum(w for i, w in enumerate(natural) if i not in flexible)
    if room <= 0 or not flex:
        scale = width / sum(natural)
        return [w * scale for w in natural]
    wanted = sum(natural[i] for i in flex)
    if wanted <= room:
        for i in flex:
            widths[i] = natural[i] + (room - wanted) / len(flex)
        return widths
    left, count = room, len(flex)
    for position, i in enumerate(flex):
        share = left / count
        if natural[i] <= share:
            left -= natural[i]
            count -= 1
            continue
        for j in flex[position:]:
            widths[j] = share
        break
    return widths
