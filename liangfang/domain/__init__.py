"""The ground floor without Django: problems, bilingual text, code lists and field definitions that
the engine, the policy packs, the synth generators and every app import. Nothing here imports Django
or an app package (a test walks the imports)."""
