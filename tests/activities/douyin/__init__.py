"""Tests of the Douyin connector client pieces."""
