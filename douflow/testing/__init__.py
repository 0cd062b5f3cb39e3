"""Helpers that start real local servers for tests and benchmarks."""
