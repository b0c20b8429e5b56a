"""Textual screens and widgets: they render and route keys; services decide."""
