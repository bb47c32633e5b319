"""Modal screens: help and the export dialog."""
