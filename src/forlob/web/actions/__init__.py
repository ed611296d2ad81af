"""Writes of the clinic app: one `do_*` function per user action, each audit-logged.

Views parse and validate input, then call exactly one of these; nothing else writes patient
data. Split by area: patients and referrals, courses and service lines, questionnaires, letters.
"""
