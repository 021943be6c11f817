"""Benchmarks: run with `make bench` and `make bench-peers`, never part of `make test`."""
