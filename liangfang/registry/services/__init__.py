"""Every write to the registry goes through these services: they validate, enforce the
procedure guards and write the change log, whoever the caller (web, CLI, import, API)."""
