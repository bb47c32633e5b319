"""The app's widgets, one module each; they display state and post messages, nothing more."""
