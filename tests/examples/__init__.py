"""Worked examples of the platform's access patterns, one small model each, for module authors.

Copy the pattern you need: ``models.py`` (the records), ``policies.py`` (who may do what),
``views.py``/``api.py`` (shared views and helpers that apply the policy by themselves). The
tests in ``tests/platform/`` show each pattern from the side of the user who must be refused.
"""
