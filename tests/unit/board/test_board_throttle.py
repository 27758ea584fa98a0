"""The login throttle: per address and per name, a doubling delay, kept across a restart."""

from board.throttle import CAP_S, FORGET_S, FREE_TRIES, Throttle, delay_s


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def test_the_delay_doubles_after_the_free_tries_and_is_capped():
    assert [delay_s(n, 30) for n in range(FREE_TRIES)] == [0.0] * FREE_TRIES
    assert [delay_s(FREE_TRIES + i, 30) for i in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert delay_s(10_000, 900) == 900  # no overflow for a very long attack


def fail(t, clock, n, address, name):
    """``n`` failures, each made as soon as the throttle allows it."""
    for _ in range(n):
        clock.now += t.wait_s(address, name)
        t.failed(address, name)


def test_guesses_from_one_address_do_not_lock_the_manager_out_elsewhere():
    clock = Clock()
    t = Throttle(clock=clock)
    fail(t, clock, 20, "10.0.0.66", "wang")
    assert t.wait_s("10.0.0.66", "wang") > 60  # the guessing address: slowed right down
    assert t.wait_s("10.0.0.66", "li") > 60  # ... for every name it tries
    assert 0 < t.wait_s("10.0.0.5", "wang") <= CAP_S["name"]  # the manager: a short delay
    clock.now += CAP_S["name"]
    assert t.wait_s("10.0.0.5", "wang") == 0
    t.succeeded("10.0.0.5", "wang")
    assert t.wait_s("10.0.0.66", "wang") > 60  # a success elsewhere frees only that address


def test_a_success_clears_the_address_and_the_name():
    clock = Clock()
    t = Throttle(clock=clock)
    fail(t, clock, FREE_TRIES, "10.0.0.5", "wang")
    assert t.wait_s("10.0.0.5", "wang") > 0
    clock.now += t.wait_s("10.0.0.5", "wang")
    t.succeeded("10.0.0.5", "wang")
    fail(t, clock, FREE_TRIES - 1, "10.0.0.5", "wang")
    assert t.wait_s("10.0.0.5", "wang") == 0


def test_failures_are_forgotten_an_hour_after_the_last():
    clock = Clock()
    t = Throttle(clock=clock)
    fail(t, clock, FREE_TRIES + 3, "10.0.0.66", "wang")
    clock.now += FORGET_S + 1
    t.failed("10.0.0.66", "wang")  # counts as the first again
    assert t.wait_s("10.0.0.66", "wang") == 0


def test_the_state_survives_a_restart_in_a_private_file(tmp_path):
    path, clock = tmp_path / "board-throttle.json", Clock()
    fail(Throttle(path, clock), clock, FREE_TRIES + 6, "10.0.0.66", "wang")
    again = Throttle(path, clock)
    assert again.wait_s("10.0.0.66", "wang") >= 32
    assert path.stat().st_mode & 0o077 == 0


def test_an_unreadable_file_starts_empty(tmp_path):
    path = tmp_path / "board-throttle.json"
    path.write_text("[" * 100_000)
    assert Throttle(path).wait_s("10.0.0.1", "wang") == 0
