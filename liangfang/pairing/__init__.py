"""Pairing registered households with responsible cadres (帮扶责任人, 全覆盖包保), in one place:

- ``services``: the one write (``cadre_pairings_set``; the web form's ``cadre_pairing_set`` is a
  batch of one), its checks (``pairing_problems``), the import of pairing history
  (``cadre_pairings_write_many``) and pairings following a household that moved village;
- ``assign``: the assignment algorithm (no Django), keeping existing pairings and preferring a
  cadre of a department paired with the household's village;
- ``run``: automatic pairing of an area (``pairing_run``), through ``services``.

Cadres and departments themselves are registry records (``registry.services.cadres``)."""
