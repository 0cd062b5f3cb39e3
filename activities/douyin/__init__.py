"""douyin package."""
