"""Indicators: the declarative catalogue and the engine that turns metingen into indicator values."""
