"""What the BFF takes and answers, one module per area (the OpenAPI document is built from these)."""
