"""The texts and number formats of the indicator reports, Danish first (da) and English.

Danish formats: dates 24.11.2026, shares 61,5 %, counts 1.234.567; English: 2026-11-24,
61.5%, 1,234,567.
"""

from __future__ import annotations

import datetime as dt

from forlob.texts import Language, Text

__all__ = ["T", "count", "day", "level", "percent", "position", "unit"]

T: dict[str, Text] = {
    "title": Text("Kvalitetsindikatorer", "Quality indicators"),
    "input": Text("Udtræk", "Extract"),
    "as_of": Text("Opgjort pr.", "As of"),
    "lines_read": Text("Linjer læst", "Lines read"),
    "lines_invalid": Text("Ulæselige linjer (INPUT-INVALID)", "Unreadable lines (INPUT-INVALID)"),
    "generated": Text(
        "Dannet af forlob {version} den {date}.", "Made by forlob {version} on {date}."
    ),
    "suppressed_note": Text(
        "Tal under {n} er skjult (vist som “< {n}”), og det samme er andele, intervaller og "
        "placeringer beregnet af dem.",
        "Counts below {n} are hidden (shown as “< {n}”), and so are the shares, intervals and "
        "positions computed from them.",
    ),
    "whole_file": Text("Hele filen", "Whole file"),
    "provider": Text("Yder", "Provider"),
    "numerator": Text("Tæller", "Numerator"),
    "denominator": Text("Nævner", "Denominator"),
    "value": Text("Andel", "Share"),
    "interval": Text("{level}-konfidensinterval", "{level} confidence interval"),
    "position": Text("Placering i tragtplottet", "Funnel position"),
    "source": Text("Kilde", "Source"),
    "unit": Text("Enhed", "Unit"),
    "lower_is_better": Text("Lavere er bedre.", "Lower is better."),
    "higher_is_better": Text("Højere er bedre.", "Higher is better."),
    "no_records": Text(
        "Ingen enheder i nævneren: indikatoren kan ikke opgøres for dette udtræk.",
        "No units in the denominator: the indicator cannot be computed for this extract.",
    ),
    "outside": Text("Ydere uden for {level}-grænserne", "Providers outside the {level} limits"),
    "outside_listed": Text(
        "Under hele filen: ydere uden for {level}-grænserne.",
        "Below the whole file: the providers outside the {level} limits.",
    ),
    "none_outside": Text(
        "Ingen ydere uden for {level}-grænserne.", "No provider outside the {level} limits."
    ),
    "all_providers": Text("Alle ydere ({n})", "All providers ({n})"),
    "funnel_plot": Text("Tragtplot", "Funnel plot"),
    "plot_caption": Text(
        "Andel mod nævner, et punkt pr. yder; linjerne er hele filens værdi og dens {inner}- "
        "og {outer}-grænser (binomialfordelingen, Spiegelhalter 2005).",
        "Share against denominator, one point per provider; the lines are the whole file's "
        "value and its {inner} and {outer} limits (binomial distribution, Spiegelhalter 2005).",
    ),
    "legend_target": Text("Hele filens værdi", "Whole file's value"),
    "legend_limits": Text("{level}-grænser", "{level} limits"),
    "shown_of": Text(
        "{shown} af {total} ydere vist i plottet (de øvrige har skjulte tal).",
        "{shown} of {total} providers in the plot (the others have hidden counts).",
    ),
    "hover": Text("Yder {provider}: {value} ({k}/{n})", "Provider {provider}: {value} ({k}/{n})"),
}

_UNITS: dict[str, Text] = {
    "course": Text("forløb", "courses"),
    "status_line": Text("statuslinjer", "status lines"),
    "line": Text("linjer", "lines"),
}

_POSITIONS: dict[str, Text] = {
    "inside": Text("inden for", "inside"),
    "above_95": Text("over {inner}-grænsen", "above the {inner} limit"),
    "below_95": Text("under {inner}-grænsen", "below the {inner} limit"),
    "above_998": Text("over {outer}-grænsen", "above the {outer} limit"),
    "below_998": Text("under {outer}-grænsen", "below the {outer} limit"),
}


def unit(name: str, lang: Language) -> str:
    return _UNITS[name].get(lang)


def _decimal(text: str, lang: Language) -> str:
    return text.replace(".", ",") if lang == "da" else text


def percent(share: float, lang: Language, digits: int = 1) -> str:
    """61,5 % (da) / 61.5% (en)."""
    number = _decimal(f"{share * 100:.{digits}f}", lang)
    return f"{number} %" if lang == "da" else f"{number}%"


def level(share: float, lang: Language) -> str:
    """A confidence level without needless decimals: 95 % / 99,8 %."""
    number = _decimal(f"{share * 100:.10g}", lang)
    return f"{number} %" if lang == "da" else f"{number}%"


def count(n: int, lang: Language) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "da" else text


def day(d: dt.date | None, lang: Language) -> str:
    if d is None:
        return "—"
    return d.strftime("%d.%m.%Y") if lang == "da" else d.isoformat()


def position(name: str, lang: Language, inner: float, outer: float) -> str:
    return _POSITIONS[name].get(lang).format(inner=level(inner, lang), outer=level(outer, lang))
