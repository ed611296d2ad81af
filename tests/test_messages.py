"""Every message a rule can give, and every phrase it is worded with, in Danish and English.

The catalogue holds both languages beside each rule (rules.toml `message.da`/`message.en`,
`[phrase.*]`); the engine fills the caller's language. These tests read the catalogue and the
engine's output, so a missing or English "Danish" text fails here.
"""

from __future__ import annotations

import re
from importlib import resources

import polars as pl
import pytest
from tests.conftest import audit, line

from forlob.catalogue import CatalogueError, load_catalogue
from forlob.rules import audit_frame

# words that betray English in a Danish sentence (none of them is also a Danish word)
ENGLISH = re.compile(
    r"\b(the|is|and|of|on|after|before|with|within|days|working|allowed|course|billed|"
    r"not|but|one|per|line|team|package|training)\b"
)
# words that betray Danish in an English sentence
DANISH = re.compile(r"\b(og|ikke|efter|før|forløbet|hverdage|dage|må|kan|skal|den|er)\b")


def _without_placeholders(text: str) -> str:
    # the seed titles quoted in sources are Danish in both languages; placeholders are names
    return re.sub(r"\{[a-z_]+\}", "", text)


CAT = load_catalogue()


@pytest.mark.parametrize("rule_id", sorted(CAT.rules))
def test_every_rule_message_is_written_in_danish_and_in_english(rule_id: str) -> None:
    wording = CAT.rules[rule_id].message
    assert wording.da != wording.en
    assert not ENGLISH.findall(_without_placeholders(wording.da)), wording.da
    assert not DANISH.findall(_without_placeholders(wording.en)), wording.en


@pytest.mark.parametrize("key", sorted(CAT.phrases))
def test_every_phrase_is_written_in_danish_and_in_english(key: str) -> None:
    wording = CAT.phrases[key]
    assert not ENGLISH.findall(_without_placeholders(wording.da)), wording.da
    assert not DANISH.findall(_without_placeholders(wording.en)), wording.en


def test_a_danish_message_whose_placeholders_differ_from_the_english_fails_at_load(tmp_path):
    data = resources.files("forlob.catalogue").joinpath("data")
    for name in ("codes.toml", "rules.toml"):
        (tmp_path / name).write_text(data.joinpath(name).read_text(encoding="utf-8"))
    rules = tmp_path / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    broken = text.replace(
        'message.da = "{code} er registreret med et hold på {team_size};',
        'message.da = "{code} er registreret med et hold på {size};',
    )
    assert broken != text
    rules.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"rules\.toml.*TP-TEAM-SIZE.*placeholders"):
        load_catalogue(tmp_path)


def test_a_rule_without_its_danish_message_fails_at_load(tmp_path):
    data = resources.files("forlob.catalogue").joinpath("data")
    for name in ("codes.toml", "rules.toml"):
        (tmp_path / name).write_text(data.joinpath(name).read_text(encoding="utf-8"))
    rules = tmp_path / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    line_da = next(
        x
        for x in text.splitlines()
        if x.startswith('message.da = "{code} er registreret med et hold')
    )
    rules.write_text(text.replace(line_da + "\n", ""), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"TP-TEAM-SIZE.*message.*da"):
        load_catalogue(tmp_path)


# -- the engine's wording -------------------------------------------------------------------


def _status_window_message(date: str, lang: str) -> str:
    rows = [line("2024-03-04", "0241"), line(date, "0243")]
    findings = audit(rows, lang=lang)
    return findings.filter(pl.col("rule_id") == "NR-STATUS-WINDOW")["message"][0]


def test_a_status_before_its_window_counts_the_working_days_before_the_target():
    # 0243: start 04.03.2024 + 2 weeks = 18.03.2024; 08.03.2024 is 6 working days before it
    da = _status_window_message("2024-03-08", "da")
    assert "0243 den 08.03.2024 ligger 6 hverdage før måldatoen 18.03.2024" in da
    assert "(start 04.03.2024 + 2 uger)" in da
    assert "fra 11.03.2024 til og med 25.03.2024 (±5 hverdage)" in da
    en = _status_window_message("2024-03-08", "en")
    assert "is 6 working days before its target 2024-03-18" in en
    assert "-6" not in en and "-6" not in da


def test_the_engine_words_each_language_in_a_column_of_its_own():
    # 26.03.2024 is the first working day after the window's last day 25.03.2024
    da = _status_window_message("2024-03-26", "da")
    assert "ligger 6 hverdage efter måldatoen" in da
    rows = [line("2024-03-04", "0241"), line("2024-03-26", "0243")]
    findings = audit_frame(
        pl.DataFrame(rows, schema={k: pl.String for k in rows[0]}), lang=("da", "en")
    )
    assert findings.columns[-2:] == ["message_da", "message_en"]
    assert findings["message_da"][0] == da


def test_a_danish_finding_never_falls_back_to_a_placeholder_or_to_english():
    # one line per worded variant: reasons, the exam level, the same-day phrases, input reasons
    rows = [
        line("2024-03-04", "0268"),  # COURSE-NO-START, no course
        line("2024-02-30", "0110"),  # INPUT-INVALID
        line("2024-03-04", "0110", referral_date="2024-13-01"),  # INPUT-FIELD-IGNORED
        line("2024-06-14", "2030", provider="K9"),
        line("2024-06-14", "2031", provider="K9"),  # CH-ULTRASOUND-PAIR
        line("2024-06-20", "3010", provider="K9"),
        line("2024-06-20", "2020", provider="K9"),  # CH-TRAINING-SAME-DAY
    ]
    findings = audit(rows, lang="da")
    assert {"COURSE-NO-START", "INPUT-INVALID", "INPUT-FIELD-IGNORED"} <= set(findings["rule_id"])
    for message in findings["message"]:
        assert "—" not in message, message
        assert not ENGLISH.findall(re.sub(r"'[^']*'|\([^)]*\)", "", message)), message
