"""``hallq region ...``: the region's commands. ``add_commands(subparsers)`` adds them to the
hallq CLI; ``python -m region.cli`` runs them alone.

- ``hallq region mqtt-config --config region.toml --out DIR [--bind ADDR]``
- ``hallq region serve --config region.toml [--port N]``: the region service and board
- ``hallq region user --config region.toml add|remove|list NAME``: region board logins
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from hallq.config import ConfigError
from hallq.errors import HallqError

from .config import load_region

log = logging.getLogger(__name__)


def cmd_mqtt_config(args: argparse.Namespace) -> int:
    from .mosquitto import write_region_config

    cfg = load_region(args.config)
    files = write_region_config(cfg, args.out, bind=args.bind)
    print(f"wrote {files.conf}, {files.passwords}, {files.acl}")
    print(f"bridge passwords (one per hall, copy each to its hall only): {files.credentials}/")
    print(f"booking keys (one per hall, copy each to its hall only): {files.keys}/")
    print(f"start it with: mosquitto -c {files.conf}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import RegionServer
    from .service import RegionService

    cfg = load_region(args.config)
    server = RegionServer(RegionService(cfg), args.port or cfg.board.port, cfg.board.host)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    server.start()
    print(f"hallq region board: http://{cfg.board.host}:{server.port}/", flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    from board.users import main as users_main

    cfg = load_region(args.config)
    rest = [args.action, *([args.name] if args.name else [])]
    return users_main(["--file", str(cfg.resolve(cfg.board.users_file)), *rest])


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``hallq region <command>``: added to the hallq CLI's subparsers."""
    region = sub.add_parser("region", help="the region (county) centre: bridge, board, bookings")
    rsub = region.add_subparsers(dest="region_command", required=True)
    sp = rsub.add_parser("mqtt-config", help="the region Mosquitto's files, bridge passwords, keys")
    sp.add_argument("--config", "-c", required=True)
    sp.add_argument("--out", required=True)
    sp.add_argument("--bind", default="127.0.0.1", help="listener address (0.0.0.0 for the WAN)")
    sp.set_defaults(func=cmd_mqtt_config)
    sp = rsub.add_parser("serve", help="the region service and board (web)")
    sp.add_argument("--config", "-c", required=True)
    sp.add_argument("--port", type=int, help="override [board] port")
    sp.set_defaults(func=cmd_serve)
    sp = rsub.add_parser("user", help="add, remove or list region board logins")
    sp.add_argument("--config", "-c", required=True)
    sp.add_argument("action", choices=["add", "remove", "list"])
    sp.add_argument("name", nargs="?")
    sp.set_defaults(func=cmd_user)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hallq", description="hallq region")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"hallq: invalid config {exc}", file=sys.stderr)
        return 2
    except HallqError as exc:
        print(f"hallq: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
