"""Writes of the clinic app: one `do_*` function per user action, each audit-logged.

Views and the API parse and validate input, then call exactly one of these; nothing else writes
patient data. Every action follows one convention:

- who acts is a keyword-only, typed `actor` (a `User`; None only where no one is logged in:
  the patient answering through a one-time link);
- it runs in `transaction.atomic(durable=True)`: it is the whole transaction, never part of
  another (an action does not call another; they share private helpers instead);
- its audit row is written in that same transaction, so a change and its record stand or fall
  together;
- mail and any other effect outside the database run `transaction.on_commit`, so nothing is
  sent for a change that was rolled back.

Split by area: patients and referrals, courses and service lines, questionnaires, letters.
"""
