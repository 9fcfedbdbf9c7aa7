"""良方 Liangfang: precision poverty alleviation for a county office and its villages."""

__version__ = "0.1.0"
