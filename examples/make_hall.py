"""Writes examples/hall.toml: a city hall like the one in the seed material.

35 departments, ~150 services, 76 windows (comprehensive 综合窗口 among them) on three
floors, three kiosks, three displays, a counter and an evaluator at every window.
Run: python examples/make_hall.py > examples/hall.toml
"""

from __future__ import annotations

import string

# (id, 名称, English, floor, windows, [(service 名称, English, avg_min, target_min), ...])
DEPARTMENTS = [
    (
        "rs",
        "人社局",
        "Human Resources & Social Security",
        1,
        3,
        [
            ("社保参保登记", "Social insurance enrolment", 6, 20),
            ("养老保险待遇", "Pension benefits", 10, 25),
            ("失业保险金申领", "Unemployment benefit", 8, 20),
            ("就业登记", "Employment registration", 5, 15),
            ("社保卡办理", "Social security card", 5, 15),
            ("工伤认定", "Work injury assessment", 15, 30),
        ],
    ),
    (
        "yb",
        "医保局",
        "Medical Insurance Bureau",
        1,
        3,
        [
            ("医保参保登记", "Medical insurance enrolment", 5, 15),
            ("异地就医备案", "Out-of-town treatment filing", 6, 15),
            ("医疗费用报销", "Medical expense claims", 12, 25),
            ("门诊慢特病申请", "Chronic disease outpatient", 10, 25),
        ],
    ),
    (
        "hz",
        "公安户政",
        "Household Registration (Police)",
        1,
        4,
        [
            ("身份证办理", "ID card", 6, 20),
            ("户口迁移", "Household transfer", 12, 30),
            ("出生登记", "Birth registration", 10, 25),
            ("居住证办理", "Residence permit", 7, 20),
            ("户籍证明", "Household certificate", 4, 15),
        ],
    ),
    (
        "crj",
        "公安出入境",
        "Exit & Entry (Police)",
        1,
        3,
        [
            ("护照办理", "Passport", 8, 20),
            ("港澳通行证", "HK/Macao permit", 7, 20),
            ("台湾通行证", "Taiwan permit", 7, 20),
            ("签注办理", "Endorsements", 5, 15),
        ],
    ),
    (
        "jg",
        "公安交管",
        "Traffic Police",
        1,
        3,
        [
            ("驾驶证换证", "Driving licence renewal", 6, 20),
            ("机动车登记", "Vehicle registration", 12, 30),
            ("违法处理", "Traffic violations", 6, 20),
            ("车辆年检", "Vehicle inspection", 8, 25),
        ],
    ),
    (
        "bdc",
        "不动产登记中心",
        "Real Estate Registration",
        2,
        4,
        [
            ("不动产首次登记", "First registration", 18, 30),
            ("不动产转移登记", "Transfer registration", 20, 30),
            ("抵押登记", "Mortgage registration", 15, 30),
            ("不动产查询", "Property records search", 5, 15),
            ("更正登记", "Correction registration", 12, 30),
        ],
    ),
    (
        "sw",
        "税务局",
        "Taxation Bureau",
        2,
        4,
        [
            ("发票领用", "Invoice collection", 5, 15),
            ("税务登记", "Tax registration", 10, 25),
            ("纳税申报", "Tax filing", 8, 20),
            ("个税汇算", "Income tax settlement", 10, 25),
            ("房产交易税费", "Property transaction tax", 15, 30),
        ],
    ),
    (
        "gjj",
        "住房公积金中心",
        "Housing Provident Fund",
        2,
        3,
        [
            ("公积金提取", "Fund withdrawal", 8, 20),
            ("公积金贷款", "Fund loans", 20, 30),
            ("缴存登记", "Contribution registration", 6, 20),
            ("公积金转移", "Fund transfer", 6, 20),
        ],
    ),
    (
        "scjg",
        "市场监管局",
        "Market Regulation",
        2,
        4,
        [
            ("企业设立登记", "Company registration", 20, 30),
            ("企业变更登记", "Company change", 12, 30),
            ("企业注销", "Company deregistration", 12, 30),
            ("个体工商户登记", "Sole trader registration", 10, 25),
            ("食品经营许可", "Food business licence", 12, 30),
            ("药品经营许可", "Drug business licence", 15, 30),
        ],
    ),
    (
        "mz",
        "民政局",
        "Civil Affairs",
        1,
        2,
        [
            ("婚姻登记", "Marriage registration", 15, 30),
            ("社会组织登记", "NGO registration", 12, 30),
            ("低保申请", "Minimum living allowance", 10, 25),
            ("高龄津贴", "Old-age allowance", 6, 20),
        ],
    ),
    (
        "wj",
        "卫健委",
        "Health Commission",
        2,
        2,
        [
            ("医师执业注册", "Physician registration", 10, 30),
            ("出生医学证明", "Birth medical certificate", 8, 20),
            ("公共场所卫生许可", "Public place hygiene licence", 12, 30),
            ("生育服务登记", "Maternity registration", 6, 20),
        ],
    ),
    (
        "jy",
        "教育局",
        "Education Bureau",
        3,
        2,
        [
            ("民办学校审批", "Private school approval", 15, 30),
            ("教师资格认定", "Teacher qualification", 10, 25),
            ("学籍证明", "Student record certificate", 5, 15),
        ],
    ),
    (
        "zj",
        "住建局",
        "Housing & Construction",
        3,
        3,
        [
            ("施工许可", "Construction permit", 18, 30),
            ("商品房预售许可", "Pre-sale permit", 15, 30),
            ("房屋租赁备案", "Lease filing", 6, 20),
            ("资质审批", "Qualification approval", 12, 30),
        ],
    ),
    (
        "zr",
        "自然资源局",
        "Natural Resources",
        3,
        2,
        [
            ("建设用地规划许可", "Land use planning permit", 18, 30),
            ("建设工程规划许可", "Construction planning permit", 18, 30),
            ("测绘资质", "Surveying qualification", 10, 30),
        ],
    ),
    (
        "hb",
        "生态环境局",
        "Ecology & Environment",
        3,
        2,
        [
            ("环评审批", "EIA approval", 15, 30),
            ("排污许可", "Discharge permit", 12, 30),
            ("危废转移", "Hazardous waste transfer", 10, 30),
        ],
    ),
    (
        "jt",
        "交通运输局",
        "Transport Bureau",
        3,
        2,
        [
            ("道路运输证", "Road transport permit", 8, 25),
            ("网约车许可", "Ride-hailing permit", 8, 25),
            ("从业资格证", "Practitioner certificate", 6, 20),
            ("超限运输许可", "Oversize transport permit", 10, 30),
        ],
    ),
    (
        "sl",
        "水利局",
        "Water Resources",
        3,
        1,
        [
            ("取水许可", "Water abstraction permit", 12, 30),
            ("水土保持方案", "Soil conservation plan", 15, 30),
        ],
    ),
    (
        "ny",
        "农业农村局",
        "Agriculture & Rural Affairs",
        3,
        2,
        [
            ("农药经营许可", "Pesticide dealing licence", 10, 30),
            ("种子生产经营许可", "Seed licence", 10, 30),
            ("动物防疫条件", "Animal epidemic prevention", 10, 30),
            ("农机登记", "Farm machinery registration", 6, 20),
        ],
    ),
    (
        "swj",
        "商务局",
        "Commerce Bureau",
        3,
        1,
        [
            ("对外贸易备案", "Foreign trade filing", 8, 25),
            ("成品油零售许可", "Fuel retail licence", 12, 30),
        ],
    ),
    (
        "fg",
        "发改委",
        "Development & Reform",
        3,
        2,
        [
            ("项目备案", "Project filing", 10, 25),
            ("项目核准", "Project approval", 15, 30),
            ("节能审查", "Energy review", 12, 30),
        ],
    ),
    (
        "cz",
        "财政局",
        "Finance Bureau",
        3,
        1,
        [
            ("非税收入缴款", "Non-tax payments", 5, 15),
            ("政府采购备案", "Procurement filing", 10, 30),
        ],
    ),
    (
        "sf",
        "司法局",
        "Justice Bureau",
        2,
        2,
        [
            ("法律援助申请", "Legal aid", 12, 30),
            ("公证办理", "Notarisation", 15, 30),
            ("人民调解", "Mediation", 20, 30),
        ],
    ),
    (
        "tyjr",
        "退役军人事务局",
        "Veterans Affairs",
        1,
        1,
        [
            ("优待证办理", "Veteran preferential card", 6, 20),
            ("抚恤补助", "Pension subsidies", 10, 25),
            ("退役军人安置", "Veteran placement", 15, 30),
        ],
    ),
    (
        "cl",
        "残联",
        "Disabled Persons' Federation",
        1,
        1,
        [
            ("残疾人证办理", "Disability card", 10, 25),
            ("残疾人补贴", "Disability subsidies", 8, 25),
        ],
    ),
    (
        "cg",
        "城管局",
        "Urban Management",
        3,
        1,
        [
            ("户外广告设置", "Outdoor advertising", 10, 30),
            ("占道许可", "Road occupation permit", 8, 25),
            ("渣土运输许可", "Muck transport permit", 8, 25),
        ],
    ),
    (
        "wl",
        "文旅局",
        "Culture & Tourism",
        3,
        1,
        [
            ("娱乐场所许可", "Entertainment venue licence", 12, 30),
            ("旅行社设立", "Travel agency setup", 12, 30),
            ("网吧审批", "Internet cafe approval", 10, 30),
        ],
    ),
    (
        "yj",
        "应急管理局",
        "Emergency Management",
        3,
        1,
        [
            ("安全生产许可", "Work safety licence", 12, 30),
            ("危化品经营许可", "Hazardous chemicals licence", 12, 30),
            ("烟花爆竹经营", "Fireworks licence", 8, 25),
        ],
    ),
    (
        "lyj",
        "林业局",
        "Forestry Bureau",
        3,
        1,
        [
            ("林木采伐许可", "Logging permit", 8, 25),
            ("林地使用审核", "Forest land use review", 12, 30),
        ],
    ),
    (
        "qx",
        "气象局",
        "Meteorological Bureau",
        3,
        1,
        [
            ("防雷装置审核", "Lightning protection review", 10, 30),
            ("施放气球许可", "Balloon release permit", 6, 20),
        ],
    ),
    (
        "xf",
        "消防救援支队",
        "Fire & Rescue",
        2,
        2,
        [
            ("消防设计审查", "Fire design review", 15, 30),
            ("消防验收", "Fire acceptance", 12, 30),
            ("公众聚集场所检查", "Public venue inspection", 10, 30),
        ],
    ),
    (
        "gd",
        "供电公司",
        "Power Supply",
        1,
        2,
        [
            ("用电报装", "Power connection", 10, 25),
            ("电费业务", "Electricity billing", 5, 15),
            ("过户更名", "Account transfer", 6, 20),
        ],
    ),
    (
        "gs",
        "供水公司",
        "Water Supply",
        1,
        1,
        [("用水报装", "Water connection", 8, 25), ("水费业务", "Water billing", 4, 15)],
    ),
    (
        "rq",
        "燃气公司",
        "Gas Supply",
        1,
        1,
        [("燃气报装", "Gas connection", 8, 25), ("燃气缴费", "Gas billing", 4, 15)],
    ),
    (
        "rf",
        "人防办",
        "Civil Air Defence",
        3,
        1,
        [("人防工程审批", "Shelter approval", 12, 30), ("易地建设费", "Relocation fee", 8, 25)],
    ),
    (
        "da",
        "档案馆",
        "Archives",
        3,
        1,
        [("档案查询", "Archive search", 6, 20), ("档案利用证明", "Archive certificate", 5, 15)],
    ),
]


EXTRA = {
    "rs": [
        ("职业技能鉴定", "Vocational skills certificate", 6, 20),
        ("劳动合同备案", "Labour contract filing", 5, 15),
        ("人事档案托管", "Personnel file custody", 6, 20),
    ],
    "yb": [
        ("生育保险待遇", "Maternity insurance", 8, 20),
        ("医保关系转移", "Medical insurance transfer", 6, 20),
    ],
    "hz": [
        ("户口本补换", "Household book replacement", 5, 15),
        ("临时身份证", "Temporary ID card", 4, 15),
    ],
    "jg": [
        ("驾驶证补证", "Driving licence replacement", 5, 15),
        ("机动车转移登记", "Vehicle transfer", 12, 30),
    ],
    "bdc": [
        ("预告登记", "Advance notice registration", 12, 30),
        ("注销登记", "Cancellation registration", 10, 25),
    ],
    "sw": [
        ("社保费缴纳", "Social insurance contributions", 5, 15),
        ("出口退税", "Export tax rebate", 12, 30),
        ("代开发票", "Invoices issued on behalf", 5, 15),
    ],
    "gjj": [("公积金异地转入", "Fund transfer-in", 6, 20), ("贷款结清", "Loan settlement", 8, 20)],
    "scjg": [
        ("商标质押登记", "Trademark pledge", 10, 30),
        ("特种设备使用登记", "Special equipment registration", 10, 30),
        ("计量器具检定", "Measuring instrument verification", 8, 25),
    ],
    "mz": [
        ("殡葬服务", "Funeral services", 8, 20),
        ("收养登记", "Adoption registration", 15, 30),
        ("临时救助", "Temporary assistance", 8, 20),
    ],
    "wj": [("母婴保健技术许可", "Maternal health licence", 12, 30)],
    "jy": [("校外培训机构审批", "Tutoring institution approval", 12, 30)],
    "zj": [
        ("竣工验收备案", "Completion filing", 10, 30),
        ("物业服务备案", "Property management filing", 6, 20),
    ],
    "zr": [("采矿许可", "Mining licence", 15, 30)],
    "sf": [("司法鉴定", "Forensic appraisal", 12, 30)],
    "xf": [("消防备案抽查", "Fire filing spot check", 8, 25)],
    "gd": [("新能源并网", "Renewable grid connection", 12, 30)],
    "gs": [("用水过户", "Water account transfer", 5, 15)],
    "rq": [("燃气过户", "Gas account transfer", 5, 15)],
    "cz": [("会计代理记账许可", "Bookkeeping agency licence", 10, 30)],
}

# 一件事一次办: (id, 名称, English, mode, stages); a stage is a service name or a tuple of
# names done in any order. Real packages of Chinese halls, across departments.
MATTERS = [
    (
        "birth",
        "新生儿出生一件事",
        "Newborn: all in one",
        "steps",
        ["出生医学证明", "出生登记", "医保参保登记", "社保卡办理"],
    ),
    (
        "company",
        "企业开办一件事",
        "Starting a business",
        "steps",
        ["企业设立登记", ("税务登记", "缴存登记"), "发票领用"],
    ),
    (
        "property",
        "不动产转移及水电气过户",
        "Property transfer with utilities",
        "steps",
        ["房产交易税费", "不动产转移登记", ("过户更名", "用水过户", "燃气过户")],
    ),
    (
        "retire",
        "退休一件事",
        "Retirement",
        "steps",
        ["养老保险待遇", ("公积金提取", "医保关系转移")],
    ),
    (
        "marriage",
        "婚育户一件事",
        "Marriage, maternity and household",
        "steps",
        ["婚姻登记", ("户口迁移", "生育服务登记")],
    ),
    (
        "death",
        "身后一件事",
        "After a death",
        "steps",
        ["殡葬服务", "户籍证明", ("养老保险待遇", "公积金提取")],
    ),
    (
        "veteran",
        "退役军人服务一件事",
        "Veterans: one window",
        "one_window",
        ["优待证办理", "抚恤补助", "医保关系转移"],
    ),
]

COMPREHENSIVE = 6  # 综合窗口 on floor 1 and 2, three each

# 联审联批 / 联合踏勘: rooms departments are summoned to for a joint review (id, 名称, English,
# floor): one per floor with the departments that most often review together (不动产, 规划,
# 市场监管 / 环保, 住建 / 投资项目 on floor 3).
ROOMS = [
    ("lsl1", "第一联审室", "Joint review room 1", 1),
    ("lsl2", "第二联审室", "Joint review room 2", 2),
    ("lsl3", "第三联审室", "Joint review room 3", 3),
]


def room_lines() -> list[str]:
    out = []
    for rid, name, name_en, floor in ROOMS:
        out += [
            "[[rooms]]",
            f"id = {q(rid)}",
            f"name = {q(name)}",
            f"name_en = {q(name_en)}",
            f'zone = "F{floor}"',
            "",
        ]
    return out


def prefixes() -> list[str]:
    letters = list(string.ascii_uppercase)
    two = [f"{a}{b}" for a in "XYZ" for b in string.ascii_uppercase]
    return letters + two


def q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def matter_lines(code_of: dict[str, str]) -> list[str]:
    out = []
    for mid, name, name_en, mode, stages in MATTERS:
        items = [
            q(code_of[st]) if isinstance(st, str) else f"[{', '.join(q(code_of[n]) for n in st)}]"
            for st in stages
        ]
        out += [
            "[[matters]]",
            f"id = {q(mid)}",
            f"name = {q(name)}",
            f"name_en = {q(name_en)}",
            f"mode = {q(mode)}",
            f"stages = [{', '.join(items)}]  # "
            + " → ".join(
                st if isinstance(st, str) else "(" + " | ".join(st) + ")" for st in stages
            ),
            "",
        ]
    return out


def main() -> None:
    out = [
        "# hallq example: a city government service hall (进一扇门、办全部事).",
        "# Generated by examples/make_hall.py; edit that script, not this file.",
        "",
        "[hall]",
        'id = "xxcity"',
        'name = "xx市政务服务中心"',
        'name_en = "XX City Government Service Center"',
        'timezone = "Asia/Shanghai"',
        'day_starts = "03:00"',
        'opens = "08:30"',
        'closes = "17:30"',
        'weekdays = ["mon", "tue", "wed", "thu", "fri", "sat"]',
        'ticket_qr = "https://zwfw.example.gov.cn/q/{hall}/{ticket}"',
        'ticket_footer = "请留意叫号，过号请重新取号"',
        'notice = "进一扇门、办全部事。老年人、残疾人、孕妇、军人请在取号时选择优先通道。"',
        "",
        "[policy]",
        "priority_ratio = 2  # at most 1 priority call per 2 normal calls",
        "continuing_run = 2  # a case moving on: at most 2 calls in a row ahead of new arrivals",
        "joint_confirm_min = 5  # a department summoned to a joint review confirms within 5 min",
        "",
        "[mqtt]",
        'host = "127.0.0.1"',
        "port = 1883",
        "websockets_port = 9001",
        'credentials_dir = "../run/mosquitto/credentials"',
        "",
        "[[priority_classes]]",
        'id = "elderly"\nname = "老年人(65岁以上)"\nname_en = "Senior (65+)"\npolicy = "front"',
        "[[priority_classes]]",
        'id = "disabled"\nname = "残疾人"\nname_en = "Person with disability"\npolicy = "front"',
        "[[priority_classes]]",
        'id = "pregnant"\nname = "孕妇"\nname_en = "Pregnant"\npolicy = "front"',
        "[[priority_classes]]",
        'id = "military"\nname = "军人"\nname_en = "Military"\npolicy = "front"',
        "[[priority_classes]]",
        'id = "appointment"\nname = "预约办理"\nname_en = "Appointment"\npolicy = "boost"'
        "\nboost_min = 15",
        "",
    ]
    services_by_dept: dict[str, list[str]] = {}
    code_of: dict[str, str] = {}  # service name -> code (names are unique in the hall)
    floor_of: dict[str, int] = {}
    svc_lines: list[str] = []
    for (dept, name, name_en, floor, _n, services), prefix in zip(
        DEPARTMENTS, prefixes(), strict=False
    ):
        floor_of[dept] = floor
        out += [
            "[[departments]]",
            f"id = {q(dept)}",
            f"name = {q(name)}",
            f"name_en = {q(name_en)}",
            "",
        ]
        for i, (sname, sname_en, avg, target) in enumerate(services + EXTRA.get(dept, []), 1):
            code = f"{dept}{i:02d}"
            services_by_dept.setdefault(dept, []).append(code)
            code_of[sname] = code
            svc_lines += [
                "[[services]]",
                f"code = {q(code)}",
                f"prefix = {q(prefix)}",
                f"name = {q(sname)}",
                f"name_en = {q(sname_en)}",
                f"department = {q(dept)}",
                f"avg_service_min = {avg}",
                f"target_wait_min = {target}",
                "",
            ]
    out += svc_lines
    out += matter_lines(code_of)
    out += room_lines()
    win_lines: list[str] = []
    number = 0
    small = [d for d in DEPARTMENTS if d[4] == 1]
    for dept, _name, _en, floor, count, _s in DEPARTMENTS:
        for _k in range(count):
            number += 1
            primary = services_by_dept[dept]
            win_lines += [
                "[[windows]]",
                f'id = "w{number:02d}"',
                f'name = "{number}号窗口"',
                f'name_en = "Window {number}"',
                f"department = {q(dept)}",
                f'zone = "F{floor}"',
                f"primary = [{', '.join(map(q, primary))}]",
            ]
            win_lines.append("")
    comp_services = [c for d in small for c in services_by_dept[d[0]]]
    # 一窗受理: the general windows also take every multi-window department's work when it
    # overflows (secondary), so no department's queue is left to itself.
    busy = [c for d in DEPARTMENTS if d[4] > 1 for c in services_by_dept[d[0]]]
    for k in range(COMPREHENSIVE):
        number += 1
        floor = 1 if k < COMPREHENSIVE // 2 else 2
        win_lines += [
            "[[windows]]",
            f'id = "w{number:02d}"',
            f'name = "{number}号综合窗口"',
            f'name_en = "Window {number} (general)"',
            'department = "zh"',
            f'zone = "F{floor}"',
            f"primary = [{', '.join(map(q, comp_services))}]",
            f"secondary = [{', '.join(map(q, busy))}]",
            "",
        ]
    out += ["[[departments]]", 'id = "zh"', 'name = "综合受理"', 'name_en = "General intake"', ""]
    out += win_lines
    out += [
        "# ---- devices: the MQTT username of each is its id",
        "",
        "[[devices]]",
        'id = "hallq"',
        'role = "broker"',
        'store = "../run/hallq.db"',
        "",
        "[[devices]]",
        'id = "board"',
        'role = "board"',
        'host = "127.0.0.1"',
        "port = 8080",
        'users_file = "../run/board-users.json"',
        "",
    ]
    for k in range(1, 4):
        out += [
            "[[devices]]",
            f'id = "kiosk{k}"',
            'role = "kiosk"',
            'printer = { type = "dummy" }',
            "",
        ]
    # One announcer per floor (zone): at peak the whole hall calls ~11 citizens a minute, more
    # than one voice can say even shortened (~10 a minute); a floor calls at most ~6.4
    # (benchmarks/bench_voice.py). The lobby's whole-hall display is silent.
    out += ["[[devices]]", 'id = "display-hall"', 'role = "display"', 'zone = ""', ""]
    for f in sorted(set(floor_of.values())):
        out += [
            "[[devices]]",
            f'id = "display-f{f}"',
            'role = "display"',
            f'zone = "F{f}"',
            f'voice = {{ engine = "espeak", cache_dir = "../run/voice-f{f}" }}',
            "",
        ]
    for n in range(1, number + 1):
        out += [
            "[[devices]]",
            f'id = "counter{n:02d}"',
            'role = "counter"',
            f'window = "w{n:02d}"',
            f'evaluator = "eval{n:02d}"',
            "",
            "[[devices]]",
            f'id = "eval{n:02d}"',
            'role = "evaluator"',
            f'window = "w{n:02d}"',
            "",
        ]
    out += calendar_2026(services_by_dept["bdc"])
    print("\n".join(out))


def calendar_2026(early_closing: list[str]) -> list[str]:
    """[calendar] for 2026 from the State Council's notice of 2025-11-04 (国务院办公厅关于2026年
    部分节假日安排的通知, Xinhua): 放假 ranges and 调休上班 days as published."""
    lines = [
        "# ---- the hall's year: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)",
        "[calendar]",
        'hours = { sat = "09:00-12:00" }  # Saturday mornings; other days [hall] opens-closes',
        "holidays = [",
        '  "2026-01-01/2026-01-03",  # 元旦',
        '  "2026-02-15/2026-02-23",  # 春节',
        '  "2026-04-04/2026-04-06",  # 清明节',
        '  "2026-05-01/2026-05-05",  # 劳动节',
        '  "2026-06-19/2026-06-21",  # 端午节',
        '  "2026-09-25/2026-09-27",  # 中秋节',
        '  "2026-10-01/2026-10-07",  # 国庆节',
        "]",
        "makeup_days = [  # 调休上班: open with the weekday hours",
        '  "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",',
        "]",
        'lunch = "12:00-13:30"',
        'lunch_issuing = "continue"  # 午间不打烊: tickets all day; "pause" stops issuing',
        "",
    ]
    for code in early_closing:
        lines += [f"[calendar.services.{code}]", 'until = "16:30"  # 不动产: last ticket 16:30', ""]
    return lines


if __name__ == "__main__":
    main()
