"""Generation providers of agent-center: `template` (offline) and `openai` (any compatible endpoint)."""
