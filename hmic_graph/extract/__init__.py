"""Extraction: release text to plain records (no RDF)."""

from __future__ import annotations

from .release import extract_release

__all__ = ["extract_release"]
