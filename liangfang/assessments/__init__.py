"""Dated assessment results: per household, member, village and county, keyed by year and pack."""
