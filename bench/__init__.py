"""Benchmarks and data generators. `python -m bench` runs every module's `run()` and records the
figures in bench/results/<date>.json."""
