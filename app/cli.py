"""``hallq``: one command, a subcommand per process or tool.

Each subcommand loads and validates the hall config first, so a broken config always ends
with the same clear report (key path + problem) and exit code 2, before anything starts.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable

from app import bootstrap
from broker.instance import EXIT_ALREADY_RUNNING, AlreadyRunning
from hallq.config import ConfigError, HallConfig, load_config
from hallq.errors import HallqError
from hallq.logs import setup_logging
from region.cli import add_commands as add_region_commands

log = logging.getLogger("hallq")
EXIT_CONFIG = 2
SWITCH_INTERVAL_S = 0.0005  # the broker process: threads hand the GIL over every 0.5 ms


def _setup_logging(verbose: bool, log_file: str | None = None) -> None:
    setup_logging(verbose, log_file)


def _config(args: argparse.Namespace) -> HallConfig:
    return load_config(args.config)


def cmd_check_config(args: argparse.Namespace) -> int:
    cfg = _config(args)
    n_dev = {}
    for d in cfg.devices:
        n_dev[d.role] = n_dev.get(d.role, 0) + 1
    devices = ", ".join(f"{n} {role}" for role, n in sorted(n_dev.items()))
    print(
        f"{args.config}: OK — {cfg.hall.name} ({cfg.hall.id}): {len(cfg.departments)} "
        f"departments, {len(cfg.services)} services, {len(cfg.windows)} windows, "
        f"{len(cfg.priority_classes)} priority classes; devices: {devices}"
    )
    return 0


def cmd_mqtt_config(args: argparse.Namespace) -> int:
    from broker.mosquitto import write_mosquitto_config
    from broker.peer import host_index

    cfg = _config(args)
    on = host_index(cfg, args.host)
    files = write_mosquitto_config(cfg, args.out, bind=args.bind, rotate=args.rotate, on=on)
    if on:
        print(f"this Mosquitto ({args.host}) bridges to the hall's first one (docs/deploy.md §9)")
    print(f"wrote {files.conf}, {files.passwords}, {files.acl}")
    print(f"device credentials (mode 0600): {files.credentials}/<device>")
    print(f"start it with: mosquitto -c {files.conf}")
    return 0


def cmd_broker(args: argparse.Namespace) -> int:
    if args.action == "promote":
        from app.promote import promote

        return promote(_config(args), args.id)
    import signal
    import sys
    import threading

    # the paho thread that reads a burst of commands must not wait out the default 5 ms GIL
    # slice of the worker deciding the commands already read (issue 15, bench_burst.py)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    service = bootstrap.build_broker(
        _config(args), args.id, standby=args.standby, sync=not args.no_sync
    )
    done, promote_now = threading.Event(), threading.Event()
    code = [0]

    def stopped(reason: str) -> None:  # fenced, or the hall is held by another service
        code[0] = EXIT_ALREADY_RUNNING
        done.set()

    service.ha.when_stopped = stopped
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGUSR1, lambda *_: promote_now.set())  # hallq broker promote
    service.start()
    log.info("broker service running for hall %s; Ctrl-C stops it", service.cfg.hall.id)
    try:
        while not done.wait(0.2):
            if promote_now.is_set():
                promote_now.clear()
                service.ha.promote()
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()
    return code[0]


def cmd_board(args: argparse.Namespace) -> int:
    bootstrap.run_board(
        _config(args), args.id, port=args.port, tls_cert=args.tls_cert, tls_key=args.tls_key
    )
    return 0


def _device_runner(run: Callable[[HallConfig, str], None]) -> Callable[[argparse.Namespace], int]:
    """A device process: its role is checked once, in its ``app.bootstrap.run_*``."""

    def command(args: argparse.Namespace) -> int:
        run(_config(args), args.id)
        return 0

    return command


def _entry(module: str, func: str) -> Callable[..., object]:
    """A tool's entry point, imported only when asked for."""
    return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]


def _forward(module: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return int(_entry(module, "main")(args.rest) or 0)  # type: ignore[call-overload]

    return run


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hallq", description="hallq 政务大厅排队叫号系统")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.add_argument("--log-file", help="log to this file instead of stderr")
    sub = p.add_subparsers(dest="command", required=True)
    add_region_commands(sub)  # hallq region mqtt-config | serve | user

    def with_config(name: str, help_text: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_text)
        sp.add_argument("--config", "-c", required=True, help="the hall's hall.toml")
        return sp

    sp = sub.add_parser("check-config", help="validate a hall.toml and report every problem")
    sp.add_argument("config")
    sp.set_defaults(func=cmd_check_config)
    sp = with_config("mqtt-config", "write mosquitto.conf, passwords, ACL, device credentials")
    sp.add_argument("--out", required=True)
    sp.add_argument("--bind", default="127.0.0.1", help="listener address (0.0.0.0 for a LAN)")
    sp.add_argument("--rotate", action="store_true", help="new passwords for every device")
    sp.add_argument(
        "--host",
        help="which of mqtt.hosts this Mosquitto runs on (default: the first); the second "
        "bridges to the first: copy the first's credentials/ here before",
    )
    sp.set_defaults(func=cmd_mqtt_config)
    sp = with_config("broker", "run the queue service (or: broker promote)")
    sp.add_argument(
        "action", nargs="?", choices=["promote"], help="promote: make the running standby primary"
    )
    sp.add_argument("--id", help="the broker device id (default: the config's broker)")
    sp.add_argument("--standby", action="store_true", help="follow the primary; act once promoted")
    sp.add_argument(
        "--no-sync", action="store_true", help="standby: the primary does not wait for it"
    )
    sp.set_defaults(func=cmd_broker)
    for role, run in (
        ("kiosk", bootstrap.run_kiosk),
        ("counter", bootstrap.run_counter),
        ("evaluator", bootstrap.run_evaluator),
        ("display", bootstrap.run_display),
    ):
        sp = with_config(role, f"run a {role}")
        sp.add_argument("--id", required=True, help=f"the {role}'s device id in the config")
        sp.set_defaults(func=_device_runner(run))
    sp = with_config("board", "the managers' live board (web)")
    sp.add_argument("--id", default="board", help="the board's device id")
    sp.add_argument("--port", type=int, help="override the configured port")
    sp.add_argument("--tls-cert", help="serve HTTPS with this certificate (deploy/make-tls.sh)")
    sp.add_argument("--tls-key", help="the certificate's private key")
    sp.set_defaults(func=cmd_board)
    for name, module, help_text in (
        ("report", "board.report", "day/month/quarter/year reports: html, csv, xlsx"),
        ("board-user", "board.users", "add or change a board login"),
        ("simulate", "sim.cli", "simulate a day of the hall on virtual time"),
        ("demo", "app.demo", "a whole hall on this machine (the README's main command)"),
    ):
        sp = sub.add_parser(name, help=help_text, add_help=False)
        sp.set_defaults(func=_forward(module), forward=True)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if getattr(args, "forward", False):
        args.rest = extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    _setup_logging(args.verbose, args.log_file)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"hallq: invalid config {exc.args[0].split(': ', 1)[0]}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except AlreadyRunning as exc:
        print(f"hallq: {exc}", file=sys.stderr)
        return EXIT_ALREADY_RUNNING
    except HallqError as exc:
        print(f"hallq: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
