"""Messy rosters in the layouts clerks really keep (not a test module; used by the roster tests).

Each builder writes a workbook shaped like a published 党员花名册 form or a system export and
returns its path. The layouts:

- A `township_form`: 乡镇组织办 党员花名册 — a merged title, a 填报单位 line, 序号, 出生年月 and
  入党时间 as year-month text, 身份证号码, 工作单位及职务, then 填表人/审核人/填表日期 lines.
- B `system_export`: 全国党员管理信息系统 style — header on row 1, 公民身份号码, 人员类别
  (正式党员/预备党员), 转为正式党员日期, Excel date cells, a 15-digit legacy ID, 所在党支部.
- C `two_row_header`: 联系方式 merged over 手机 | 座机 and 入党 over 时间 | 转正时间, a 合计 line.
- D `points_roster`: a 积分制 register — 党员姓名, 所在党小组 (一组, 第2党小组), 党员分类 in
  clerks' words, 是否党员中心户, 设岗定责, a 二、第二党小组 section row, pre-numbered blank rows.
- E `wps_sheet`: full-width and inner spaces in names, an ID Excel already rounded, an ID
  typed as a 15-digit number, phones with spaces and dashes, 1990年7月 and an Excel day
  number, the header repeated after a page break, 注： notes under the table.
"""

from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook

from app.domain.idcard import id_check_char


def ident(region: str, born: str, sequence: str) -> str:
    first17 = region + born + sequence
    return first17 + id_check_char(first17)


ZHANG = ident("410102", "19650315", "101")  # odd sequence: male
WANG = ident("410102", "19700808", "202")  # female
LEGACY15 = "410102680101202"  # 1968-01-01, female (even 15th digit)


def _book(rows, merges=()):
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(list(row))
    for merge in merges:
        sheet.merge_cells(merge)
    return book


def township_form(path):
    rows = [
        ["红星村党支部党员花名册"] + [None] * 11,
        ["填报单位：红星村党支部（盖章）", None, None, None, None, None, None, "填报日期：2026年11月"],
        ["序号", "姓名", "性别", "民族", "出生年月", "文化程度", "入党时间", "转正时间", "身份证号码", "联系电话", "工作单位及职务", "备注"],
        [1, "张建国", "男", "汉", "1965.03", "高中", "1990.07", "1991.07", ZHANG, 13800138000, "村民", None],
        [2, "王秀英", "女", "汉族", "1970年8月", "初中", "1995年6月", "1996年6月", WANG, "0371-62881234", "务农", "党员中心户"],
        [3, "刘洋", "男", "回", "1988.11", "大专", "2025.10", None, None, "139 0013 9000", "村卫生室", "预备党员"],
        [4, "陈光明", "男", "汉", "1975.1", "高中", "2001.07", "2002.07", None, None, "村民", None],
        [None] * 12,
        ["填表人：李会计", None, None, None, "审核人：赵书记", None, None, None, "填表日期：2026年11月20日"],
    ]
    _book(rows, ["A1:L1"]).save(path)
    return path


def system_export(path):
    rows = [
        ["姓名", "性别", "公民身份号码", "民族", "出生日期", "人员类别", "所在党支部", "入党日期", "转为正式党员日期", "手机号码"],
        ["张建国", "男", ZHANG, "汉族", datetime(1965, 3, 15), "正式党员", "红星村党支部", datetime(1990, 7, 1), datetime(1991, 7, 1), "13800138000"],
        ["孙丽", "女", LEGACY15, "汉族", None, "正式党员", "红星村党支部", datetime(1992, 7, 1), datetime(1993, 7, 1), "+86 137-0013-7000"],
        ["周小川", "男", None, "汉族", datetime(2000, 5, 4), "预备党员", "红星村党支部", datetime(2026, 6, 1), None, "13600136000"],
        ["吴预备", "男", None, "汉族", datetime(1999, 5, 4), "预备党员", "红星村党支部", datetime(2025, 6, 1), datetime(2026, 6, 1), None],
    ]
    _book(rows).save(path)
    return path


def two_row_header(path):
    rows = [
        ["红星村党支部党员基本情况登记表"] + [None] * 8,
        ["序号", "姓名", "性别", "出生", "入党", None, "联系方式", None, "党员类别"],
        [None, None, None, None, "时间", "转正时间", "手机", "座机", None],
        [1, "郑和平", "男", "1960-01-01", "1985-07-01", "1986-07-01", "13500135000", "0371-1234567", "离退休党员"],
        [2, "冯军", "男", "1980-02-02", "2005-07-01", "2006-07-01", "13400134000", None, "流动"],
        [3, "何静", "女", "1990-03-03", "2015-07-01", "2016-07-01", None, None, "火星党员"],
        ["合计", "共 3 人", None, None, None, None, None, None, None],
    ]
    _book(rows, ["A1:I1", "E2:F2", "G2:H2", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "I2:I3"]).save(path)
    return path


def points_roster(path):
    rows = [
        ["红星村党支部党员积分管理花名册（2026年）"] + [None] * 7,
        ["序号", "党员姓名", "所在党小组", "党员分类", "是否党员中心户", "设岗定责", "联系方式", "备注"],
        ["一、第一党小组"] + [None] * 7,
        [1, "钱大伯", "一组", "年老体弱", "否", None, None, "经支部党员大会决定免考"],
        [2, "孙主任", "第1党小组", "村两委干部", "是", "村务监督岗", "13300133000", None],
        ["二、第二党小组"] + [None] * 7,
        [3, "李务工", "第2党小组", "外出务工", "否", None, "13200132000", "在广州"],
        [4, "周农民", "二组", "农村无职党员", "√", "环境卫生岗", None, None],
        [5, "吴某某", "第九组", "无职党员", None, None, None, None],
        [6] + [None] * 7,
        [7] + [None] * 7,
    ]
    _book(rows, ["A1:H1"]).save(path)
    return path


def wps_sheet(path):
    header = ["序号", "姓  名", "性别", "身份证号", "联系电话", "入党年月", "党员类别", "正式/预备"]
    rows = [
        ["  党员名册  "] + [None] * 7,
        header,
        [1, "张\u3000三", None, "11010519491231002X", "138 0013 8000", "1975年7月", "无职党员", "正式"],
        [2, "李 四", "男", 110105198001010000, "138-0013-8001", 27576, "无职党员", "正式"],
        [3, "阿依古丽 • 买买提", "女", 440306580808100, "13800138002", "1980年7月", "流动党员", "正式党员"],
        header,
        [4, "欧阳　建国", "男", None, "1380013800", "1988.10", "离退休", "正式"],
        [None] * 8,
        ["注：1. 出生年月以身份证为准。"] + [None] * 7,
        ["2. 本表一式两份。"] + [None] * 7,
    ]
    _book(rows).save(path)
    return path
