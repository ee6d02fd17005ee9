"""Turning the cheat sheet (Markdown) into content files; never loaded by the running bot."""
