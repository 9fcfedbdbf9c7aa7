"""Monitoring writes: months, leads, objects. Views, CLI, imports and procedures call these."""
