"""Zalo Bot Platform channel: HTTP client, update/reply adapter, the Channel itself."""
