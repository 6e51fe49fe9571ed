"""`make bench`: province-scale performance figures beside their floors (see bench/run.py)."""

from __future__ import annotations
