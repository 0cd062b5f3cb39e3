"""gateway_bff package."""
