"""studybot: a study bot for DevOps teams on Discord and Slack."""
