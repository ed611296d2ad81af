"""The course's score chart: server-rendered SVG, inline and at /courses/<id>/chart.svg."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

from tests.web.base import BaseTestCase
from tests.web.questionnaire_support import ODI_20, ODI_40, answered_round

from forlob.web.chart import Series, scores_svg
from forlob.web.models import AuditEvent

SVG = "{http://www.w3.org/2000/svg}"


def _polylines(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}polyline")) + list(root.iter(f"{SVG}path"))


def _points(line: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in (p.split(",") for p in (line.get("points") or "").split())
    ]


class ChartViewTest(BaseTestCase):
    def setUp(self) -> None:
        self.course = self.start_course("NRL")
        self.url = f"/courses/{self.course.pk}/chart.svg"
        answered_round(self.alice, self.course, dt.date(2025, 1, 10), nprs=8, odi=ODI_40)
        answered_round(self.alice, self.course, dt.date(2025, 2, 1), nprs=6, odi=ODI_40)
        answered_round(
            self.alice, self.course, dt.date(2025, 3, 5), nprs=3, odi=ODI_20, psfs=[4, 6]
        )

    def test_it_serves_svg_with_one_line_per_instrument(self) -> None:
        self.login(self.bob)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("image/svg+xml"))
        root = ET.fromstring(response.content)
        self.assertEqual(root.tag, f"{SVG}svg")
        lines = _polylines(root)
        self.assertEqual(
            sorted(line.get("data-instrument") or "" for line in lines), ["nprs", "odi", "psfs"]
        )
        by_instrument = {line.get("data-instrument"): _points(line) for line in lines}
        self.assertEqual(len(by_instrument["nprs"]), 3)
        self.assertEqual(len(by_instrument["odi"]), 3)
        self.assertEqual(len(by_instrument["psfs"]), 1)

    def test_the_lines_follow_the_scores_in_date_order(self) -> None:
        self.login(self.bob)
        root = ET.fromstring(self.client.get(self.url).content)
        nprs = next(line for line in _polylines(root) if line.get("data-instrument") == "nprs")
        pts = _points(nprs)
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        self.assertEqual(xs, sorted(xs))
        # pain fell 8 → 6 → 3: SVG y grows downwards
        self.assertLess(ys[0], ys[1])
        self.assertLess(ys[1], ys[2])

    def test_viewing_the_chart_is_logged(self) -> None:
        self.login(self.bob)
        self.client.get(self.url)
        self.assertTrue(
            AuditEvent.objects.filter(
                action=AuditEvent.VIEW, object_type="Course", object_id=str(self.course.pk)
            ).exists()
        )

    def test_charlie_gets_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_an_anonymous_user_is_sent_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/?next="))


class ScoresSvgTest(BaseTestCase):
    def test_a_course_without_answers_gives_an_empty_but_valid_chart(self) -> None:
        root = ET.fromstring(scores_svg([], title="t", empty_text="none yet"))
        self.assertEqual(_polylines(root), [])

    def test_labels_are_escaped(self) -> None:
        series = Series(
            key="x",
            label='<script>"&',
            points=((dt.date(2025, 1, 1), Decimal(3)),),
            scale_max=Decimal(10),
        )
        svg = scores_svg([series], title="a < b")
        self.assertNotIn("<script>", svg)
        ET.fromstring(svg)

    def test_scores_sit_on_their_own_scale(self) -> None:
        # ODI 100 % and NPRS 10 both reach the top of their panels
        top = [
            Series("odi", "ODI", ((dt.date(2025, 1, 1), Decimal(100)),), Decimal(100)),
            Series("nprs", "NPRS", ((dt.date(2025, 1, 1), Decimal(10)),), Decimal(10)),
        ]
        root = ET.fromstring(scores_svg(top))
        ys = {line.get("data-instrument"): _points(line)[0][1] for line in _polylines(root)}
        self.assertEqual(ys["odi"], ys["nprs"])
