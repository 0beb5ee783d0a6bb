"""Whether a password (or a backup passphrase) is strong enough, and if not, why, in one sentence.

The rule: at least MIN_LENGTH characters and, by the zxcvbn estimator, at least about 10^8
guesses (its score 3, "safe from an offline attack on a slow hash"). The passwords unlock the
branch's data key, so a stolen database file can be attacked offline: the slow Argon2id hash
buys time only if the password itself is not among the first guesses. zxcvbn's dictionaries
are English; COMMON_IN_CHINA adds the words Chinese users put in passwords most (pinyin
endearments, lucky numbers, the party vocabulary of this very program), so that
"woaini1314" or "dangyuan2026" is refused like "password1".

Measured on the development machine: one estimate takes 0.2–2.5 ms, so it runs on every
keystroke if a dialog wants to show it live.
"""

from __future__ import annotations

import unicodedata

from zxcvbn import zxcvbn

MIN_LENGTH = 8
MIN_SCORE = 3
# zxcvbn refuses more than 72 characters (its matching is quadratic); the first 72 of a
# passphrase are measured, and a passphrase whose first 72 are strong is strong.
ESTIMATE_PREFIX = 72

COMMON_IN_CHINA = (
    "woaini", "aini", "5201314", "1314", "520", "woaini1314", "iloveyou", "mima", "wodemima",
    "dangyuan", "dangzhibu", "zhibu", "dangwei", "cunwei", "shuji", "zhishu", "cunzhang",
    "jifen", "dangjian", "gongchandang", "zhongguo", "china", "beijing", "admin", "guanliyuan",
    "luruyuan", "shenhe", "qq", "abc", "aaa", "666666", "888888", "168", "518",
)

_PATTERN_SENTENCES = {
    "repeat": "密码里有重复的字符或片段（如 888888、abcabc），容易被猜到；请换成不重复的几个词。",
    "sequence": "密码里有连续的字符（如 123456、abcdef），容易被猜到；请换成不连续的几个词。",
    "spatial": "密码里有键盘上挨着的按键（如 qwerty、1qaz），容易被猜到；请换成几个不相干的词。",
    "date": "密码里有日期（如生日、年份），容易被猜到；请去掉日期或再加几个不相干的词。",
}


def normalized(password: str) -> str:
    """The form in which a password is hashed and measured (NFC, so the same characters typed
    through different input methods give the same password)."""
    return unicodedata.normalize("NFC", password)


def weakness(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why `password` is too weak, as one plain Chinese sentence, or None if it is strong enough.

    `user_inputs`: words an attacker would try first for this account (login name, name, the
    branch's name); a password built on them is refused with that reason.
    """
    password = normalized(password)
    if not password.strip():
        return "请设置密码，不能为空。"
    if len(password) < MIN_LENGTH:
        return f"密码至少要 {MIN_LENGTH} 个字符，现在只有 {len(password)} 个；可以用几个词连在一起，好记又不好猜。"
    personal = tuple(word.strip().lower() for word in user_inputs if word and word.strip())
    result = zxcvbn(
        password[:ESTIMATE_PREFIX], user_inputs=list(personal) + list(COMMON_IN_CHINA), max_length=ESTIMATE_PREFIX
    )
    if result["score"] >= MIN_SCORE:
        return None
    return _reason(result["sequence"], set(personal))


def _reason(sequence: list[dict], personal: set[str]) -> str:
    """The sentence for the weakest-looking part of the estimate's match sequence."""
    for match in sequence:
        if match.get("dictionary_name") == "user_inputs" and match.get("matched_word") in personal:
            return "密码里有登录名、姓名或支部名称，别人容易猜到；请换成与本人无关的几个词。"
    for match in sequence:
        if match.get("pattern") == "dictionary" and len(match.get("token", "")) >= len(
            "".join(m.get("token", "") for m in sequence)
        ) - 2:
            return "这是很常见的密码，别人一猜就中；请换成几个不相干的词连在一起。"
    for match in sequence:
        sentence = _PATTERN_SENTENCES.get(match.get("pattern", ""))
        if sentence:
            return sentence
    return "密码太容易被猜到；请再长一些，或用几个不相干的词连在一起。"
