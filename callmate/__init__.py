"""callmate: a keyboard-driven companion for live sales calls.

Kept free of imports on purpose: every module pulled in here is paid for on
every start, before the first frame (see BENCHMARKS.md).
"""

__version__ = "0.1.0"
