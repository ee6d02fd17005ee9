"""The Slack adapter: slack-bolt listeners that call the study service and answer in Block Kit."""
