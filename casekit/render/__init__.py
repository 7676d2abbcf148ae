"""Renderers: data in, a Rich renderable or a string out. Only commands print."""
