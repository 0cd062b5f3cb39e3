"""Notifications addressed to people, and the tenants' group-robot webhooks (seed 16)."""
