"""Textual-free views: what the screens show, computed from the engine's public face (tested without an app)."""
