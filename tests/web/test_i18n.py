"""The Danish translation: Danish by default, English selectable.

The catalogues live in src/forlob/web/locale; the compiled .mo files are committed because a
fresh machine has no gettext. These tests keep the Danish catalogue complete and the .mo in
step with the .po, and check that a page follows the language choice.
"""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.utils import formats, translation

import forlob.web

LOCALE = Path(forlob.web.__file__).resolve().parent / "locale"
DA_PO = LOCALE / "da" / "LC_MESSAGES" / "django.po"
DA_MO = LOCALE / "da" / "LC_MESSAGES" / "django.mo"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_n: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_n[i] for i in sorted(self.msgstr_n)]


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(s: str) -> str:
    # a .po string is a C string literal; Python's literal syntax reads the escapes .po uses
    value = ast.literal_eval(s)
    assert isinstance(value, str)
    return value


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete "#~" entries left out), the header included."""
    entries: list[Entry] = []
    cur: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if cur is not None and target is not None and target[0].startswith("msgstr"):
                entries.append(cur)
                cur, target = None, None
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        m = _KEYWORD.match(line)
        if m:
            keyword, index, literal = m.group(1), m.group(2), _unquote(m.group(3))
            starts_entry = keyword in ("msgctxt", "msgid") and (
                cur is None or (target is not None and target[0].startswith("msgstr"))
            )
            if starts_entry:
                if cur is not None:
                    entries.append(cur)
                cur = Entry(flags=flags, line=number)
                flags = set()
            assert cur is not None, f"{path}:{number}: {keyword} outside an entry"
            if index is not None:
                cur.msgstr_n[int(index)] = literal
                target = ("msgstr_n", int(index))
            else:
                setattr(cur, keyword, literal)
                target = (keyword, None)
            continue
        if line.startswith('"'):
            assert cur is not None and target is not None, f"{path}:{number}: stray string"
            name, index = target
            if index is not None:
                cur.msgstr_n[index] += _unquote(line)
            else:
                setattr(cur, name, getattr(cur, name) + _unquote(line))
            continue
        raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    if cur is not None:
        entries.append(cur)
    return entries


def _messages(path: Path) -> list[Entry]:
    return [e for e in parse_po(path) if e.msgid != ""]


def _header(path: Path) -> str:
    (header,) = [e for e in parse_po(path) if e.msgid == "" and e.msgctxt is None]
    return header.msgstr


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


class CatalogueTestCase(SimpleTestCase):
    def test_the_parser_reads_the_danish_catalogue(self) -> None:
        entries = _messages(DA_PO)
        self.assertGreater(len(entries), 100)
        ids = {e.msgid for e in entries}
        self.assertIn("Log in", ids)
        self.assertTrue(any(e.msgid_plural for e in entries))
        self.assertTrue(any("\n" in e.msgid for e in entries))  # multi-line strings joined

    def test_the_danish_header_names_the_language_charset_and_plural_forms(self) -> None:
        header = _header(DA_PO)
        self.assertIn("Language: da\n", header)
        self.assertIn("charset=UTF-8", header)
        self.assertIn("Plural-Forms: nplurals=2; plural=(n != 1);", header)

    def test_the_english_header_names_the_language_charset_and_plural_forms(self) -> None:
        header = _header(EN_PO)
        self.assertIn("Language: en\n", header)
        self.assertIn("charset=UTF-8", header)
        self.assertIn("Plural-Forms: nplurals=2; plural=(n != 1);", header)

    def test_every_danish_message_is_translated_and_none_is_fuzzy(self) -> None:
        untranslated, fuzzy = [], []
        for e in _messages(DA_PO):
            if "fuzzy" in e.flags:
                fuzzy.append(e.msgid)
            forms_missing = e.msgid_plural is not None and sorted(e.msgstr_n) != [0, 1]
            if forms_missing or not all(t.strip() for t in e.translations):
                untranslated.append(e.msgid)
        self.assertEqual(untranslated, [], "untranslated Danish messages")
        self.assertEqual(fuzzy, [], "fuzzy Danish messages (Django ignores them)")

    def test_the_danish_header_is_not_fuzzy(self) -> None:
        (header,) = [e for e in parse_po(DA_PO) if e.msgid == ""]
        self.assertNotIn("fuzzy", header.flags)

    def test_danish_translations_keep_the_placeholders(self) -> None:
        wrong = []
        for e in _messages(DA_PO):
            wanted = set(_PLACEHOLDER.findall(e.msgid + " " + (e.msgid_plural or "")))
            for t in e.translations:
                if set(_PLACEHOLDER.findall(t)) != wanted:
                    wrong.append((e.msgid, t))
        self.assertEqual(wrong, [])

    def test_danish_translations_keep_leading_and_trailing_newlines(self) -> None:
        wrong = [
            e.msgid
            for e in _messages(DA_PO)
            for t in e.translations
            if t.startswith("\n") != e.msgid.startswith("\n")
            or t.endswith("\n") != e.msgid.endswith("\n")
        ]
        self.assertEqual(wrong, [])

    def test_the_danish_mo_is_compiled_from_the_current_po(self) -> None:
        with DA_MO.open("rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
        stale = []
        for e in _messages(DA_PO):
            if e.msgid_plural is None:
                if catalog.get(e.key) != e.msgstr:
                    stale.append(e.msgid)
            else:
                for i, t in e.msgstr_n.items():
                    if catalog.get((e.key, i)) != t:
                        stale.append(e.msgid)
        self.assertEqual(stale, [], "run compilemessages: the .mo lags behind the .po")
        po_keys = {e.key for e in _messages(DA_PO)}
        mo_keys = {k[0] if isinstance(k, tuple) else k for k in catalog} - {""}
        self.assertEqual(mo_keys - po_keys, set(), "the .mo has messages the .po no longer has")

    def test_the_english_mo_exists_and_is_valid(self) -> None:
        with EN_MO.open("rb") as f:
            translations = gettext.GNUTranslations(f)
        self.assertEqual(translations.info().get("language"), "en")


class LanguageChoiceTestCase(TestCase):
    def test_pages_are_danish_by_default(self) -> None:
        self.assertEqual(settings.LANGUAGE_CODE, "da")
        r = self.client.get("/login/")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Log ind")
        self.assertContains(r, "Brugernavn")
        self.assertNotContains(r, ">Log in<")  # "Log ind" itself starts with "Log in"
        self.assertContains(r, '<html lang="da">', html=False)

    def test_the_language_cookie_selects_english(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        r = self.client.get("/login/")
        self.assertContains(r, ">Log in<")
        self.assertContains(r, "Username")
        self.assertNotContains(r, "Log ind")
        self.assertContains(r, '<html lang="en">', html=False)

    def test_the_language_form_switches_to_english_and_back(self) -> None:
        r = self.client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        self.assertContains(self.client.get("/login/"), ">Log in<")
        self.client.post("/i18n/setlang/", {"language": "da", "next": "/login/"})
        self.assertContains(self.client.get("/login/"), "Log ind")

    def test_gettext_follows_the_active_language(self) -> None:
        with translation.override("da"):
            self.assertEqual(translation.gettext("Worklist"), "Arbejdsliste")
            patients = translation.ngettext("%(n)s patient", "%(n)s patients", 2) % {"n": 2}
            self.assertEqual(patients, "2 patienter")
        with translation.override("en"):
            self.assertEqual(translation.gettext("Worklist"), "Worklist")


class DateFormatTestCase(SimpleTestCase):
    def test_dates_are_shown_danish_style_in_both_languages(self) -> None:
        day = dt.date(2026, 11, 22)
        for language in ("da", "en"):
            with self.subTest(language=language), translation.override(language):
                self.assertEqual(formats.date_format(day, "SHORT_DATE_FORMAT"), "22.11.2026")
                self.assertEqual(formats.date_format(day, "DATE_FORMAT"), "22.11.2026")


class BrowserLanguageTestCase(TestCase):
    def test_an_english_browser_still_gets_danish_until_the_user_chooses(self) -> None:
        r = self.client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(r, "Log ind")
        self.assertContains(r, 'lang="da"')

    def test_the_language_menu_names_each_language_in_itself(self) -> None:
        r = self.client.get("/login/")
        self.assertContains(r, ">Dansk<")
        self.assertContains(r, ">English<")
