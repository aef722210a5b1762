"""The store: the only package that knows SQLAlchemy and SQL.

Importing this package is free; SQLAlchemy is loaded by
:mod:`callmate.store.repository` on first use, on the database thread
(:mod:`callmate.store.gateway`), never before the first frame.
"""
