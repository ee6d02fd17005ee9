"""A local fake of Slack (Web API, Socket Mode) and requests signed as Slack signs them."""
