"""``hallq broker promote``: make the standby running on this machine the primary.

The standby holds the lock on its store (``<store>.lock`` names its pid and mode); the command
sends it SIGUSR1 and waits until the store's fencing epoch has grown, which the standby writes
before it acts. Run it on the standby's machine, after making sure the primary is gone
(docs/deploy.md, "Primary and standby").
"""

from __future__ import annotations

import os
import signal
import sys
import time

from broker.instance import lock_path, read_holder
from broker.store_meta import read_epoch_file
from hallq.config import BrokerDevice, HallConfig, require_role

WAIT_S = 15.0


def promote(cfg: HallConfig, device_id: str | None) -> int:
    device = require_role(cfg, device_id, BrokerDevice)
    store = cfg.resolve(device.store)
    holder = read_holder(lock_path(store))
    pid = holder.get("pid")
    if holder.get("mode") != "standby" or not isinstance(pid, int):
        mode = holder.get("mode", "no service")
        print(
            f"hallq: {device.id} 不是运行中的备用服务 / is not a running standby here "
            f"({mode} on {store}); start it with: hallq broker --standby --id {device.id}",
            file=sys.stderr,
        )
        return 1
    before = read_epoch_file(str(store))
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        epoch = read_epoch_file(str(store))
        if epoch > before:
            print(f"已提升为主服务 / {device.id} promoted: it serves the hall at epoch {epoch}")
            return 0
        time.sleep(0.1)
    print(
        f"hallq: {device.id} did not confirm its promotion within {WAIT_S:.0f} s", file=sys.stderr
    )
    return 1
