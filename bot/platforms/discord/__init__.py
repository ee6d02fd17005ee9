"""The Discord adapter: discord.py app commands and buttons that call the router, embeds out."""
