"""Activity workers: agent-center, content-center and delivery-connector-douyin."""
