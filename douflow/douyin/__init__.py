"""The Douyin Open Platform pieces the BFF (the entrance of its redirects and webhooks) and the connector share."""
