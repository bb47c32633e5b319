"""Markdown briefs of a selection of articles."""
