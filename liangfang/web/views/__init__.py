"""Thin views: read through selectors and permissions, write through the registry and plans services."""
