"""Extraction: release text to plain records (no RDF)."""

from __future__ import annotations

from hmic_graph.extract.release import extract_release

__all__ = ["extract_release"]
