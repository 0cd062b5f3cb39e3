"""Typed contracts that cross service boundaries: workflow inputs/outputs and agent-center results."""
