"""Entry points: the ``hallq`` CLI, one wiring point per process (``bootstrap``), the
one-machine demo and the private Mosquitto it runs. The top floor: imports any package,
imported by none (hallq/ <- hardware/ <- devices <- app/)."""
