"""The web application: dashboards, registry pages and editing forms over the registry services."""
