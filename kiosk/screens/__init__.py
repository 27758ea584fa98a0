"""One module + one .kv per screen; screens render the controller's state and forward taps."""
