"""The team dashboard on the web: signed links (no accounts), server-rendered pages, inline SVG
charts. Served by the bot's own HTTP server when DASHBOARD_SECRET is set."""
