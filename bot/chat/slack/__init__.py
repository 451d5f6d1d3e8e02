"""Slack adapter: slack-bolt app, /parley parsing, Block Kit rendering, notifier."""
