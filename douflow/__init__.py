"""douflow package."""
