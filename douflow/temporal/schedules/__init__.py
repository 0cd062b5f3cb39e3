"""Temporal Schedules: each calendar entry and each bound account's metrics sync is one."""
