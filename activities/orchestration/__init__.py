"""orchestration-service's own activities: what workflows need beside them that touches the world (Temporal itself)."""
