"""PlainSelect renders what Django's Select renders, without a template per option."""

from __future__ import annotations

from django import forms
from django.test import SimpleTestCase

from forlob.web.forms.widgets import PlainSelect

CHOICES = [
    ("", "—"),
    ("Forløbets ydelser", [("0241", "0241 – Forundersøgelse"), ("0243", "0243 <status> & co")]),
    ("Generelle ydelser", [("0110", "0110 – Første konsultation")]),
]


class PlainSelectTestCase(SimpleTestCase):
    def test_it_renders_the_same_markup_as_djangos_select(self) -> None:
        for value in ("", "0243", "0110", "nope"):
            attrs = {"id": "id_code", "required": True, "class": "code"}
            expected = forms.Select(choices=CHOICES).render("code", value, attrs)
            got = PlainSelect(choices=CHOICES).render("code", value, attrs)
            # same elements, attributes and text (attribute order aside)
            self.assertHTMLEqual(got, expected)

    def test_it_escapes_labels(self) -> None:
        html = PlainSelect(choices=CHOICES).render("code", "")
        self.assertIn("0243 &lt;status&gt; &amp; co", html)
        self.assertNotIn("<status>", html)
