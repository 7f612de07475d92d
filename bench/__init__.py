"""Benchmarks: how fast the bot answers and how reliably it reaches everyone on a small machine.

`python -m bench` runs every measurement in quick mode; `python -m bench --full` takes the
figures recorded in BENCHMARKS.md. Each script also runs alone: `python -m bench.engine`.
"""
