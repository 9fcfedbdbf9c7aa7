"""Dynamic monitoring (2021 on) in the engine: facts, compiled rules, SQL plan, results."""
