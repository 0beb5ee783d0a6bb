"""The password rule: a minimum length, then the strength estimate, each refusal with its reason."""

from __future__ import annotations

import pytest

from app.domain.password_strength import MIN_LENGTH, normalized, weakness


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("mf7#kq", f"至少要 {MIN_LENGTH} 个字符，现在只有 6 个"),
        ("12345678", "很常见的密码"),
        ("password1", "很常见的密码"),
        ("woaini1314", "很常见的密码"),  # common in China, absent from zxcvbn's English lists
        ("88888888", "重复"),
        ("abcdefghij", "连续"),
        ("Liu19800101", "日期"),
        ("zhangsan1980", "登录名、姓名或支部名称"),
        ("hongqicun2026", "登录名、姓名或支部名称"),
    ],
)
def test_a_weak_password_is_refused_with_its_reason(password, reason):
    sentence = weakness(password, ("zhangsan", "Hongqicun"))
    assert sentence is not None and reason in sentence
    assert sentence.endswith("。") and "\n" not in sentence


@pytest.mark.parametrize("password", ["wo de mima hen chang", "lk3jd9fk2", "春眠不觉晓处处闻啼鸟", "Tiexin-Qiaomen-37"])
def test_a_strong_password_passes(password):
    assert weakness(password, ("zhangsan", "hongqicun")) is None


def test_the_same_password_without_personal_words_passes():
    assert weakness("zhangsan-qiaomen-huangniu") is None
    assert "登录名" in weakness("zhangsan1980", ("zhangsan",))


def test_a_very_long_passphrase_is_measured_quickly_and_passes():
    assert weakness("abc" + "xq7-" * 5000) is None


def test_the_same_characters_typed_two_ways_are_one_password():
    composed, decomposed = "café-lanterns-92", "cafe\u0301-lanterns-92"
    assert normalized(composed) == normalized(decomposed)
    assert weakness(composed) == weakness(decomposed)
