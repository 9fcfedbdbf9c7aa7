"""Dynamic monitoring after 2020 (防止返贫动态监测): leads, monitoring objects, months, reports."""
