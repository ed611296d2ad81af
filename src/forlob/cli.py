"""The `forlob` command: a thin shell over the domain modules (one call per action)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.status import Status

from forlob import __version__

app = typer.Typer(
    name="forlob",
    help="Structured care pathways for Danish physiotherapy and chiropractic.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_CLEAN, EXIT_ERRORS, EXIT_CANNOT_RUN = 0, 1, 2


class Lang(StrEnum):
    """The language of what a command prints (keys, rule IDs and codes never change)."""

    da = "da"
    en = "en"


LangOption = Annotated[
    Lang, typer.Option("--lang", help="Language of messages and reports: da (default) or en")
]


# How an extract is read: the same for every command that reads one (formats.md)
ExtractArgument = Annotated[Path, typer.Argument(help="Extract: .csv, .csv.gz, .xlsx or .parquet")]
EncodingOption = Annotated[
    str, typer.Option("--encoding", help="Text encoding of a CSV: utf-8, cp1252 or latin-1")
]
DelimiterOption = Annotated[
    str | None,
    typer.Option("--delimiter", help="Field separator of a CSV (default: from the header)"),
]
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Sheet of an .xlsx workbook (default: the first)")
]


def _delimiter(value: str | None) -> str | None:
    """A tab may be given by name, since a shell makes a literal one awkward."""
    return "\t" if value in ("tab", "\\t") else value


class AuditFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"forlob: {message}\n")
    raise typer.Exit(EXIT_CANNOT_RUN)


@contextlib.contextmanager
def _progress() -> Iterator[Status | None]:
    """A status line on stderr, shown only when stderr is a terminal (formats.md)."""
    err = Console(stderr=True)
    if not err.is_terminal:
        yield None
        return
    with err.status("forlob audit: opening the extract …") as status:
        yield status


@app.command()
def audit(
    file: ExtractArgument,
    format: Annotated[AuditFormat, typer.Option("--format", "-f", help="Output format")] = (
        AuditFormat.table
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
    encoding: EncodingOption = "utf-8",
    delimiter: DelimiterOption = None,
    sheet: SheetOption = None,
    lang: LangOption = Lang.da,
) -> None:
    """Audit registered services against every rule of the catalogue (formats.md)."""
    import polars as pl

    from forlob.audit.reader import ExtractError, explain_failure, read_extract
    from forlob.audit.render import (
        ReportMeta,
        render_html,
        render_table,
        severity_counts,
        write_csv,
        write_jsonl,
    )
    from forlob.rules import InputError, run_audit

    started = datetime.now()
    t0 = time.perf_counter()
    with _progress() as status:
        try:
            frame = read_extract(
                file, encoding=encoding, delimiter=_delimiter(delimiter), sheet=sheet
            )
        except ExtractError as exc:
            _fail(str(exc))

        def show(phase: str) -> None:
            if status is not None:
                status.update(f"forlob audit {file.name}: {phase} …")

        try:
            result = run_audit(frame, on_phase=show, lang=lang.value)
        except InputError as exc:
            _fail(f"{file}: {exc}")
        except pl.exceptions.PolarsError as exc:
            explained = explain_failure(file, encoding)
            if explained:
                _fail(explained)
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
            _fail(f"cannot read {file}: {reason}")
    if result.lines_read == 0:
        # an empty extract is almost always the wrong file: "no findings" would mislead
        _fail(f"{file} has no lines to audit")
    findings = result.findings
    counts = severity_counts(findings)
    invalid = findings.filter(findings["rule_id"] == "INPUT-INVALID").height
    meta = ReportMeta(
        input_name=str(file),
        lines_read=result.lines_read,
        lines_invalid=invalid,
        started=started,
        seconds=time.perf_counter() - t0,
        forlob_version=__version__,
    )
    del frame, result
    try:
        if format is AuditFormat.jsonl:
            write_jsonl(findings, output if output is not None else sys.stdout)
        elif format is AuditFormat.csv:
            write_csv(findings, output if output is not None else sys.stdout)
        elif format is AuditFormat.html:
            html = render_html(findings, meta, lang=lang.value)
            if output is not None:
                output.write_text(html, encoding="utf-8")
            else:
                sys.stdout.buffer.write(html.encode("utf-8"))
        else:
            if output is not None:
                with output.open("w", encoding="utf-8") as fh:
                    render_table(findings, meta, Console(file=fh, width=160), lang=lang.value)
            else:
                render_table(findings, meta, Console(), lang=lang.value)
        sys.stdout.flush()
    except OSError as exc:
        _fail(f"cannot write {output or 'output'}: {exc.strerror or exc}")
    raise typer.Exit(EXIT_ERRORS if counts["error"] else EXIT_CLEAN)


@app.command()
def synth(
    rows: Annotated[int, typer.Option("--rows", min=0, help="Number of service lines")],
    out: Annotated[Path, typer.Option("--out", help=".csv, .csv.gz or .parquet")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same file")] = 0,
    violations: Annotated[
        float, typer.Option("--violations", min=0.0, max=1.0, help="Share of rule violations")
    ] = 0.02,
) -> None:
    """Generate a realistic, deterministic extract for demos, tests and benchmarks."""
    from forlob.synth import write_synth

    try:
        write_synth(rows, out, seed=seed, violations=violations)
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}")


@app.command()
def indicators(
    file: ExtractArgument,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Day the data is judged on (default: latest service_date)"),
    ] = None,
    format: Annotated[AuditFormat, typer.Option("--format", "-f", help="Output format")] = (
        AuditFormat.table
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
    suppress_below: Annotated[
        int | None,
        typer.Option("--suppress-below", min=1, help="Hide counts below N (fit to share)"),
    ] = None,
    encoding: EncodingOption = "utf-8",
    delimiter: DelimiterOption = None,
    sheet: SheetOption = None,
    lang: LangOption = Lang.da,
) -> None:
    """Quality indicators per provider and for the whole file (indicators.md)."""
    from forlob.indicators import CannotRun, indicators_report

    day = _iso_date(as_of, "--as-of")
    try:
        indicators_report(
            file,
            as_of=day,
            format=format.value,
            output=output,
            language=lang.value,
            suppress_below=suppress_below,
            encoding=encoding,
            delimiter=_delimiter(delimiter),
            sheet=sheet,
        )
    except CannotRun as exc:
        _fail(str(exc))


class PlanFormat(StrEnum):
    table = "table"
    json = "json"


def _iso_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        if len(value.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        _fail(f"{option}: {value!r} is not a date written YYYY-MM-DD")


@app.command()
def plan(
    pathway: Annotated[str, typer.Argument(help="LBP, NRL, NRC, CPL, CPC, CSS, CTB or CTH")],
    start: Annotated[str, typer.Option("--start", help="Course start date, YYYY-MM-DD")],
    referral_date: Annotated[
        str | None, typer.Option("--referral-date", help="Referral date (henvisningsdato)")
    ] = None,
    closing_date: Annotated[
        str | None, typer.Option("--closing-date", help="Closing consultation date (LBP)")
    ] = None,
    format: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.table,
    lead_days: Annotated[
        int, typer.Option("--lead-days", min=0, help="Send questionnaires this many days before")
    ] = 7,
) -> None:
    """Plan a course: consultations with their allowed windows, and questionnaire rounds."""
    from forlob.planning.cli import plan_command

    start_date = _iso_date(start, "--start")
    assert start_date is not None
    code = plan_command(
        pathway,
        start_date,
        _iso_date(referral_date, "--referral-date"),
        _iso_date(closing_date, "--closing-date"),
        format.value,
        lead_days=lead_days,
    )
    raise typer.Exit(code)


@app.command(context_settings={"ignore_unknown_options": True})
def score(
    instrument: Annotated[
        str, typer.Argument(help="nprs, odi, ndi, psfs, sts30, sts5 or biering-sorensen")
    ],
    answers: Annotated[list[str], typer.Argument(help="Answers in item order; - = unanswered")],
    format: Annotated[PlanFormat, typer.Option("--format", "-f")] = PlanFormat.table,
) -> None:
    """Score a questionnaire or functional test (NPRS, ODI, NDI, PSFS, …)."""
    from forlob.prom.cli import score_command

    raise typer.Exit(score_command(instrument, answers, format.value))


@app.command()
def triage(
    file: Annotated[
        str | None, typer.Argument(help="JSON findings of the examination; - or none: stdin")
    ] = None,
) -> None:
    """Group, urgency, pathways and next steps for a back or neck patient (003)."""
    from forlob.decision.cli import triage_command

    raise typer.Exit(triage_command(file))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes")] = 3,
    threads: Annotated[int, typer.Option(help="Threads per process")] = 4,
) -> None:
    """Run the clinic web app (migrates, creates demo data in demo mode, serves with gunicorn)."""
    from django.core.exceptions import ImproperlyConfigured

    from forlob.web.serve import serve as run

    try:
        run(host, port, workers, threads)
    except ImproperlyConfigured as exc:
        _fail(str(exc))


@app.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command of the web app (migrate, createsuperuser, …)."""
    from django.core.management import execute_from_command_line

    from forlob.web.serve import setup_django

    setup_django()
    execute_from_command_line(["forlob manage", *ctx.args])


@app.command()
def fhir(
    course_id: Annotated[int, typer.Argument(help="The course's id in the clinic app")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here, not stdout")] = None,
) -> None:
    """Export a course of the clinic app's database as a FHIR R4B Bundle (JSON)."""
    from forlob.web.serve import setup_django

    setup_django()
    from forlob.web.documents import course_fhir_json
    from forlob.web.models import Course

    course = Course.objects.select_related("clinic", "patient", "referral").filter(pk=course_id)
    found = course.first()
    if found is None:
        _fail(f"no course {course_id} in the database")
    text = course_fhir_json(None, found)
    if out is None:
        sys.stdout.write(text + "\n")
    else:
        out.write_text(text + "\n", encoding="utf-8")


class LetterFormat(StrEnum):
    text = "text"
    html = "html"
    pdf = "pdf"


@app.command()
def letter(
    course_id: Annotated[int, typer.Argument(help="The course's id in the clinic app")],
    kind: Annotated[
        str, typer.Option("--kind", help="discharge or rheumatology_referral")
    ] = "discharge",
    format: Annotated[LetterFormat, typer.Option("--format", "-f")] = LetterFormat.text,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here, not stdout")] = None,
) -> None:
    """A course's letter (the saved text, else the prefilled one) as text, HTML or PDF."""
    from forlob.web.serve import setup_django

    setup_django()
    from forlob.web.documents import LETTER_KINDS, course_letter
    from forlob.web.models import Course

    if kind not in LETTER_KINDS:
        _fail(f"unknown letter kind {kind!r} (known: {', '.join(LETTER_KINDS)})")
    found = Course.objects.select_related("clinic", "patient", "referral").filter(pk=course_id)
    course = found.first()
    if course is None:
        _fail(f"no course {course_id} in the database")
    doc, _saved = course_letter(course, kind)
    if format is LetterFormat.pdf:
        if out is None:
            _fail("a PDF needs --out FILE")
        out.write_bytes(doc.pdf())
        return
    text = doc.text() if format is LetterFormat.text else doc.html()
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


@app.command()
def version() -> None:
    """Print forlob's version."""
    typer.echo(__version__)


def _click_error(exc: Exception) -> NoReturn:
    """A usage error of click (which typer carries a copy of): one line and its exit status.

    Recognised by what every click error has, so that it does not matter which click raised it.
    """
    code = getattr(exc, "exit_code", EXIT_CANNOT_RUN)
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        sys.stdout.write(ctx.get_help() + "\n")
        sys.exit(0)
    message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
    where = f" (see {ctx.command_path} --help)" if ctx is not None else ""
    sys.stderr.write(f"forlob: {message}{where}\n")
    sys.exit(code if isinstance(code, int) else EXIT_CANNOT_RUN)


def main() -> None:
    """Entry point: no traceback reaches a user; an internal error is one line and exit 2."""
    try:
        # not standalone: click's usage errors come here, to be told in one line (the usage
        # box typer draws is six lines and hides the reason in the middle)
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except (typer.Exit, typer.Abort) as exc:
        if isinstance(exc, typer.Abort):
            sys.stderr.write("forlob: interrupted\n")
            sys.exit(130)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            _click_error(exc)
        if os.environ.get("FORLOB_DEBUG"):
            raise
        _internal_error(exc)
    except KeyboardInterrupt:
        sys.stderr.write("forlob: interrupted\n")
        sys.exit(130)
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # also a Rust panic surfacing from Polars
        if os.environ.get("FORLOB_DEBUG"):
            raise
        _internal_error(exc)


def _internal_error(exc: BaseException) -> NoReturn:
    sys.stderr.write(
        f"forlob: internal error ({type(exc).__name__}: {exc}); please report this "
        "with the command you ran (FORLOB_DEBUG=1 shows the details)\n"
    )
    sys.exit(EXIT_CANNOT_RUN)


if __name__ == "__main__":
    main()
