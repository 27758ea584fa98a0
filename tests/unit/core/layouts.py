"""Small layouts for core tests, built straight from the core's dataclasses."""

from hallq.core.model import (
    Layout,
    MatterMode,
    MatterSpec,
    PriorityClassSpec,
    PriorityPolicy,
    ServiceSpec,
    Tier,
    WindowSpec,
)

NOW = 1_800_000_000.0  # a Friday, 16:00 in Asia/Shanghai


def small_layout(ratio: int = 2) -> Layout:
    services = {
        "A": ServiceSpec("A", "A", "社保", "Social", "rs", target_wait_min=20),
        "B": ServiceSpec("B", "B", "医保", "Medical", "yb", target_wait_min=10),
        "C": ServiceSpec("C", "B", "查询", "Records", "yb", daily_cap=3),
    }
    windows = {
        "w1": WindowSpec("w1", "1号窗口", "Window 1", "rs", {"A": Tier.PRIMARY}),
        "w2": WindowSpec(
            "w2",
            "2号窗口",
            "Window 2",
            "yb",
            {"B": Tier.PRIMARY, "C": Tier.PRIMARY, "A": Tier.SECONDARY},
        ),
        "w3": WindowSpec(
            "w3",
            "3号窗口",
            "Window 3",
            "zh",
            {"C": Tier.PRIMARY, "A": Tier.SECONDARY, "B": Tier.SECONDARY},
        ),
    }
    classes = {
        "elderly": PriorityClassSpec("elderly", "老年人", "Senior"),
        "appt": PriorityClassSpec("appt", "预约", "Appointment", PriorityPolicy.BOOST, 15),
    }
    return Layout("t", services, windows, classes, priority_ratio=ratio)


def matter_layout(ratio: int = 2, run: int = 2) -> Layout:
    """small_layout with two matters: three stages (the middle one a group) and one_window."""
    base = small_layout(ratio)
    matters = {
        "birth": MatterSpec("birth", "出生一件事", "Birth", (("A",), ("B", "C"), ("A",))),
        "desk": MatterSpec("desk", "综合", "Desk", (("B",), ("C",)), MatterMode.ONE_WINDOW),
    }
    from dataclasses import replace

    return replace(base, matters=matters, continuing_run=run)


def joint_layout(run: int = 2) -> Layout:
    """matter_layout with department names, a second 社保 window (w4) and two review rooms."""
    from dataclasses import replace

    from hallq.core.model import RoomSpec

    base = matter_layout(run=run)
    windows = {
        **base.windows,
        "w4": WindowSpec("w4", "4号窗口", "Window 4", "rs", {"A": Tier.PRIMARY}),
    }
    rooms = {
        "r1": RoomSpec("r1", "第一联审室", "Joint review room 1", "f1"),
        "r2": RoomSpec("r2", "第二联审室", "Joint review room 2"),
    }
    departments = {"rs": ("人社", "HR"), "yb": ("医保", "Medical"), "zh": ("综合", "General")}
    return replace(
        base, windows=windows, rooms=rooms, departments=departments, joint_confirm_s=300.0
    )


def agency_layout() -> Layout:
    """joint_layout with an agency desk (帮办代办, w9) that serves no service itself."""
    from dataclasses import replace

    base = joint_layout()
    desk = WindowSpec("w9", "帮办代办窗口", "Agency desk", "zh", {}, agency=True)
    return replace(base, windows={**base.windows, "w9": desk})
