"""Dates and events: the Korean date grammar and resolver, and the dated statements of an article."""
