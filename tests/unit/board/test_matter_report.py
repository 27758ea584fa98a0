"""Reports per matter (一件事), checked against figures computed by hand for a small day."""

from halls import DATA, write_test_hall

from board.matter_report import matter_table
from board.report import targets_of
from board.stats import day_report
from hallq.config import load_config
from hallq.core.engine import Engine

T = 1_800_000_000.0  # a Friday, 16:00 in Asia/Shanghai


def day(tmp_path):
    """Two 新生儿出生一件事 cases (出生登记 → 社保参保登记 → 不动产转移登记 → 养老保险待遇):
    the first done at every stage, the second served at its first stage only."""
    cfg = load_config(write_test_hall(tmp_path, template=DATA / "hall_matters.toml"))
    e = Engine(cfg.layout())
    log = []

    def run(op, at, **kw):
        log.extend(e.run(op, T + at, **kw))
        return log[-1]

    for w in ("w1", "w2", "w4"):
        run("open", 0, window=w)
    first = run("issue_case", 0, matter="birth").data["ticket"]
    second = run("issue_case", 10, matter="birth").data["ticket"]
    script = [
        ("call", 60, "w4", first),  # waited 60 s
        ("start", 90, "w4", None),
        ("finish", 390, "w4", None),  # served 300 s (from the start)
        ("call", 400, "w4", second),  # waited 390 s
        ("finish", 700, "w4", None),  # served 300 s (from the call: never started)
        ("call", 450, "w1", first),  # 社保参保登记: waited 60 s
        ("finish", 750, "w1", None),  # served 300 s (from the call)
        ("call", 870, "w2", first),  # 不动产转移登记: waited 120 s
        ("start", 900, "w2", None),
        ("finish", 1500, "w2", None),  # served 600 s
        ("call", 1560, "w1", first),  # 养老保险待遇: waited 60 s
        ("start", 1620, "w1", None),
        ("finish", 1920, "w1", None),  # served 300 s; the case took 1920 s in the hall
    ]
    for op, at, window, ticket in sorted(script, key=lambda s: s[1]):
        run(op, at, window=window, **({"ticket": ticket} if ticket else {}))
    return cfg, day_report(log, e.day, targets=targets_of(cfg))


def test_per_matter_figures_match_the_hand_computed_day(tmp_path):
    _cfg, r = day(tmp_path)
    birth = r.matters["birth"]
    assert (birth.cases, birth.completed, birth.end_to_end) == (2, 1, [1920.0])
    stages = {k: (s.waits, s.serves) for k, s in birth.stages.items()}
    assert stages == {
        (0, "hz01"): ([60.0, 390.0], [300.0, 300.0]),
        (1, "rs01"): ([60.0], [300.0]),
        (2, "bdc01"): ([120.0], [600.0]),
        (3, "rs02"): ([60.0], [300.0]),
    }
    deps = {k: (s.waits, s.serves) for k, s in birth.departments.items()}
    assert deps == {
        "hz": ([60.0, 390.0], [300.0, 300.0]),
        "rs": ([60.0, 60.0], [300.0, 300.0]),
        "bdc": ([120.0], [600.0]),
    }
    # the summary's service rows count a case's wait at each stage it queued at
    assert r.services["rs02"].waits == [60.0] and r.services["bdc01"].waits == [120.0]


def test_the_matter_table_reads_in_minutes(tmp_path):
    cfg, r = day(tmp_path)
    rows = matter_table(r, cfg)
    whole = rows[1]
    # waits 60+390+60+120+60 = 690 s; served 300+300+300+600+300 = 1800 s; the case 1920 s
    assert whole[:6] == ["新生儿出生一件事", "全程 All", "", "", 2, 1]
    assert whole[6:] == [32.0, 32.0, round(690 / 5 / 60, 1), round(1800 / 5 / 60, 1), 5, 5]
    assert rows[2][1:4] == ["1", "出生登记", "公安户政"] and rows[2][8:] == [3.8, 5.0, 2, 2]
    dept_rows = [row for row in rows if row[1] == "部门合计 Dept"]
    assert [(row[3], row[8], row[9]) for row in dept_rows] == [
        ("不动产登记中心", 2.0, 10.0),
        ("公安户政", 3.8, 5.0),
        ("人社局", 1.0, 5.0),
    ]


def test_the_day_report_files_carry_the_matters_section(tmp_path):
    from io import BytesIO

    from openpyxl import load_workbook

    from board import period
    from board.report import Document
    from board.report_render import to_csv, to_html, to_xlsx

    cfg, r = day(tmp_path)
    doc = Document("测试", period.parse("day", r.day), r, [["x"]], matter_table(r, cfg))
    assert "新生儿出生一件事,全程 All" in to_csv(doc).decode("utf-8-sig")
    assert "一件事 Matters" in to_html(doc).decode()
    sheets = load_workbook(BytesIO(to_xlsx(doc))).sheetnames
    assert any("一件事" in name for name in sheets)
