"""Synthetic registries: the default Taobei-like district (``taobei.build_district``, into the
operational database) and a national-scale registry in Parquet (``national.write_national``)."""
