"""Tests of agent-center (activities/agent)."""
