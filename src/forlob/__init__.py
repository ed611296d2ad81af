"""forlob: structured care pathways (strukturerede forløb) for Danish back and neck care."""

__version__ = "0.1.0"
