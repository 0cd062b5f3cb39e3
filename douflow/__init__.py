"""Shared foundation of DouFlow: settings, persistence, security and the Temporal client factory."""
