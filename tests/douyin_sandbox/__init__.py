"""Tests of the local Douyin Open Platform sandbox, over real HTTP."""
