"""Procedures (程序) that govern a status: identification, exit, village exit, and any kind a pack
defines (the monitoring kinds come from their own pack).

API (keyword-only; every write is a service, every read a selector):

- Definitions come from the policy pack that defines the kind: ``definitions.procedure(kind, pack)``
  → ``policy.schema.Procedure`` (steps in order, role, notice period, working-day deadline,
  attachments, source). A county overrides items in its own pack (``extends:``). Which pack:
  ``packs`` — a ``PackFinder`` per family, registered like an effect (national kinds from the
  year's assessment pack; the monitoring app's kinds from the monitoring pack current on the date).
- Effects: ``effects.register_effect(name, Effect(...))`` — what a decided case does to each of its
  subjects (through the registry services, in the case's transaction) and what a subject must be
  for a case to open. The pack's ``effect:`` names one. No if-chain on kinds anywhere.
- ``services.cases``: ``case_open(kind=, pack=, year=, households=| villages=, on=, actor=)``,
  ``step_record(case=, expected_version=, on=, actor=, people=, outcome=, attachments=)``,
  ``notice_post(...)``, ``objection_record(...)``, ``objection_resolve(...)``,
  ``review_decide(case=, approve=, reason=, ...)``, ``announce(cases=[...], on=, actor=)`` (one
  announcement for a year's batch); each checks the actor's role and region, the order of steps,
  the dates, and ``expected_version`` (one of two concurrent reviewers wins; the other gets
  ``CaseConflict``).
- ``workdays``: China's working days (``chinesecalendar``, then a county's or a pack's holiday table,
  else weekends only with the date marked provisional); ``OutsideCalendar`` outside 2000–2100.
- ``models.CaseRecord``: what a case is after each change, on the hash chain (``audit verify``).
- ``selectors``: the clock of a case (what is due, by when, overdue), waiting lists by region.
- ``notices`` / ``cards``: A4 PDFs (WeasyPrint) of notices and household cards.
"""
