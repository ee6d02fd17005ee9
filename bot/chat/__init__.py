"""What every chat platform shares: commands, routing, replies, button ids, Markdown."""
