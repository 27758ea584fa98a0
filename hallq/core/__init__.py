"""The pure queue core: tickets, windows, routing, numbering, estimates.

Standard library only, no I/O; every function takes the clock (``now``, epoch seconds) as an
argument so the broker service and the simulator drive exactly the same rules.
"""
