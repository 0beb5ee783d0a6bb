"""argparse in Chinese: usage errors become one plain sentence and exit status 2."""

from __future__ import annotations

import argparse
import re
import sys

EXIT_USAGE = 2

_TRANSLATIONS = [
    (r"unrecognized arguments: (.*)", r"不认识的参数：\1"),
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"argument (\S+): invalid choice: '?([^']*)'? \(choose from (.*)\)", r"参数 \1 的取值“\2”不可用，可选：\3"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要跟一个值"),
    (r"argument (\S+): not allowed with argument (\S+)", r"参数 \1 不能和 \2 同时使用"),
    (r"argument (\S+): invalid int value: '(.*)'", r"参数 \1 要填整数，“\2”不是整数"),
    (r"argument (\S+): invalid float value: '(.*)'", r"参数 \1 要填数字，“\2”不是数字"),
    (r"argument (\S+): invalid \S+ value: '(.*)'", r"参数 \1 的取值“\2”看不懂"),
    (r"argument (\S+): expected at least one argument", r"参数 \1 后面至少要跟一个值"),
    (r"ambiguous option: (\S+) could match (.*)", r"参数 \1 不完整，可能是 \2 中的一个，请写全"),
    (r"argument (\S+): (.*)", r"参数 \1：\2"),
    (r"one of the arguments (.*) is required", r"参数 \1 必须选一个"),
]


def translate_usage_error(message: str) -> str:
    for pattern, replacement in _TRANSLATIONS:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """Help and usage errors in Chinese."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._optionals.title = "选项"
        self._positionals.title = "位置参数"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        sys.stderr.write(f"参数错误：{translate_usage_error(message)}（用 {self.prog} --help 查看用法）\n")
        raise SystemExit(EXIT_USAGE)
