"""`forlob manage forlob_refresh_findings`: store every course's findings with one audit.

After a catalogue update every stored finding is stale (its key names the old catalogue) and
each course page would run the engine on its first view; this does them all at once.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from forlob.web.findings_store import refresh_all_findings
from forlob.web.models import Course


class Command(BaseCommand):
    help = "Store the rule engine's findings of every course (one vectorised audit)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        n = refresh_all_findings(Course.objects.all())
        self.stdout.write(
            f"findings stored for {n} courses in {time.perf_counter() - started:.1f} s"
        )
