"""The terminal adapter: one study channel in a terminal, driven by typed or piped lines."""
