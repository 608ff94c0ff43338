"""The entity knowledge base and tagged mentions live here (built on the articles app)."""
