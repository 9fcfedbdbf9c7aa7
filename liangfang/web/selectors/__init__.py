"""Reads for the web pages: lists, dashboards and the household page (writes go to services)."""
