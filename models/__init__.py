"""Data package ``claims_models``: the pipeline's configs, lexicons, gazetteer and trained models.

It holds no code. Installed as ``claims_models`` (see ``pyproject.toml``) so that a wheel
carries these files; the code finds them through :mod:`pipeline.resources`.
"""
