"""Every write to plans, deliveries, visits, projects and pairings goes through these services; each
validates, writes the change log, and never depends on who calls it (web, CLI, API)."""
