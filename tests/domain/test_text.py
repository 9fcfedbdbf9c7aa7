"""Bilingual text: a message is a Text(zh, en) that each face renders in one language, never a
"中文 / English" literal that only both languages can show (issue 12, item 3)."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import liangfang
from liangfang.domain.text import Text, joined, lines, message_of

ROOT = Path(liangfang.__file__).parent
# "中文 / English", and "English / 中文" as some validators wrote it
BILINGUAL_LITERAL = re.compile(r"[\u4e00-\u9fa5][^\n]*?[ ）]/ [A-Za-z{(]|[A-Za-z)'][^\n]* / [\u4e00-\u9fa5]")

# Literals that join two languages on purpose, each with why; anything else is a message to write as Text.
ALLOWED: dict[str, tuple[str, ...]] = {
    # fact descriptions: the engine's internal documentation, shown as written
    "engine/facts.py": ("",),
    # model help texts: fixed in migrations, shown by the admin only
    "registry/models/households.py": ("在此日期之前的评估不采用",),
    "registry/models/members.py": ("此日期之前的评估读历史记录", "初中毕业后未继续升学者", "在此日期之前的评估不采用",
                                   "城乡居民医保以外的基本医疗保障", "空：参保日期不详", "出生、婚入、迁入的日期"),
    "registry/models/periods.py": ("空：此前一直如此",),
    # notes stored in the change log or beside recorded figures: records, kept in both languages
    "registry/services/bulk.py": ("覆盖导出后的修改", "批量写入时不在名单中"),
    "registry/bounds.py": ("超出范围",
                           "\n  {} 个超出范围的值已清除"),  # and what a migration prints to the console
    "plans/services/delivery.py": ("措施落实",),
    "assessments/services.py": ("重新评估",),  # who ran a stored assessment run: a record
    "monitoring/history.py": ("合成",),
    "monitoring/services/leads.py": ("按现行节假日安排重算期限",),
    "synth/taobei.py": ("合成数据 seed=", "生成合成数据", "写入数据库"),
    "assessments/sampling.py": ("样本 ",),
    # a note written into the import template, a file read in both languages
    "registry/importers/template.py": ("取值见代码表",),
}


def _literals(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module that is not a docstring, f-strings with {} for their values."""
    tree = ast.parse(path.read_text("utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            skip.update(id(n) for n in ast.walk(node.format_spec))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            found.append((node.lineno, "".join(str(v.value) if isinstance(v, ast.Constant) else "{}"
                                               for v in node.values)))
    return found


def test_no_message_is_a_literal_in_two_languages() -> None:
    offending = []
    for path in sorted(ROOT.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if "/migrations/" in f"/{name}":
            continue
        allowed = ALLOWED.get(name, ())
        offending += [f"{name}:{line}: {text[:80]}" for line, text in _literals(path)
                      if BILINGUAL_LITERAL.search(text) and not any(text.startswith(a) for a in allowed)]
    assert offending == []


def test_a_text_renders_one_language_and_str_gives_both() -> None:
    t = Text("金额不能为负", "the amount cannot be negative")
    assert (t.render("zh-hans"), t.render("en"), str(t)) == (
        "金额不能为负", "the amount cannot be negative", "金额不能为负 / the amount cannot be negative")
    assert pickle.loads(pickle.dumps(t)).render("en") == "the amount cannot be negative"


def test_joined_parts_keep_what_reads_the_same_in_both() -> None:
    m = joined("pack.yaml:3", " [years]", ": ", Text("起始年度晚于截止年度", "first year after last"))
    assert isinstance(m, Text)
    assert (m.render("zh"), m.render("en")) == ("pack.yaml:3 [years]: 起始年度晚于截止年度",
                                                "pack.yaml:3 [years]: first year after last")
    assert joined("a", ": ", "b") == "a: b" and not isinstance(joined("a", "b"), Text)


def test_lines_of_texts_keep_each_lines_halves_together() -> None:
    m = lines([Text("行一", "line one"), "x.yaml: plain", Text("行二", "line two")])
    assert isinstance(m, Text)
    assert m.render("zh") == "行一\nx.yaml: plain\n行二" and m.render("en") == "line one\nx.yaml: plain\nline two"
    assert str(m) == "行一 / line one\nx.yaml: plain\n行二 / line two"
    assert pickle.loads(pickle.dumps(m)).render("both") == str(m)


def test_an_error_raised_with_a_text_gives_it_back() -> None:
    said = message_of(KeyError(Text("政策包无 2031 年扶贫标准", "no poverty line for 2031")))
    assert isinstance(said, Text) and said.render("en") == "no poverty line for 2031"
    assert message_of(ValueError("plain")) == "plain"
