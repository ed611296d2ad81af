"""Outcomes of a course for its page: questionnaire rounds, baseline vs latest, chart.

Stub: to be written (questionnaires and outcomes area).
"""

from __future__ import annotations

from typing import Any

from forlob.web.models import Course


def course_outcomes(course: Course) -> dict[str, Any]:
    """Template context for the course page's questionnaire and outcome sections."""
    return {}
