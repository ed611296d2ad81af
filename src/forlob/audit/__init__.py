"""Audit output: renderers that turn the rule engine's findings into jsonl, csv, table and HTML."""
