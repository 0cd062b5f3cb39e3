"""orchestration-service's customer data: customers, conversations and their messages (seed 10-14)."""
