"""The assessment engine (no Django): facts as SQL, checked rules compiled to each dialect, runs on
SQLite, PostgreSQL or DuckDB over Parquet, and the explanation of a result in the pack's words."""
