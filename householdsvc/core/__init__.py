"""Shared plumbing every app uses: errors and the API's error shapes, pagination, filters,
permissions, geo maths, admin helpers, transactions and shared validation.

It imports no app (import-linter's contract in ``.importlinter``): an app may import it, it
may import only Django, DRF and the standard library.
"""
