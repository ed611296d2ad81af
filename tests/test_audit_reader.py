"""Reading an extract never loses a row (formats.md, Command and Input columns).

Every record of the file is audited or reported as INPUT-INVALID, at the row number of its line;
a file that cannot be read at all is one clear error.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest
from tests.test_cli_audit_input import forlob, one_line

from forlob.audit.reader import ExtractError, read_extract
from forlob.rules import audit_frame

HEADER = ["patient_id", "provider_id", "service_date", "service_code", "note"]
P = "0101901234"


def csv_bytes(rows: list[str], end: str = "\n", header: str | None = None) -> bytes:
    head = ",".join(HEADER) if header is None else header
    return (end.join([head, *rows]) + end).encode("utf-8")


def lonely(day: str, patient: str = P, note: str = "") -> str:
    """A 0262 without a 0110 the same day: exactly one LBP-0262-NO-0110 error on its row."""
    return f"{patient},022590,{day},0262,{note}"


def audited(tmp_path: Path, data: bytes, name: str = "x.csv", **options: str) -> pl.DataFrame:
    p = tmp_path / name
    p.write_bytes(data)
    return audit_frame(read_extract(p, **options))


def found(findings: pl.DataFrame) -> list[tuple[int, str]]:
    return list(zip(findings["row"].to_list(), findings["rule_id"].to_list(), strict=True))


THREE = [lonely("2024-03-04"), lonely("2024-03-05"), lonely("2024-03-06")]
THREE_FOUND = [(1, "LBP-0262-NO-0110"), (2, "LBP-0262-NO-0110"), (3, "LBP-0262-NO-0110")]


# -- line ends ------------------------------------------------------------------------------


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_it_reads_every_kind_of_line_end(tmp_path: Path, end: str) -> None:
    assert found(audited(tmp_path, csv_bytes(THREE, end))) == THREE_FOUND


def test_it_reads_a_file_with_mixed_line_ends(tmp_path: Path) -> None:
    data = (",".join(HEADER) + "\r\n" + THREE[0] + "\r" + THREE[1] + "\n" + THREE[2]).encode()
    assert found(audited(tmp_path, data)) == THREE_FOUND


def test_a_cr_only_file_from_gzip_is_read_too(tmp_path: Path) -> None:
    data = gzip.compress(csv_bytes(THREE, "\r"))
    assert found(audited(tmp_path, data, "x.csv.gz")) == THREE_FOUND


# -- quotes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        lonely("2024-03-05", note='he said "hi'),  # unclosed quote in an ignored column
        lonely("2024-03-05", note='"unclosed'),
        lonely("2024-03-05", note='a"b'),  # a quote inside an unquoted field
        f'"{P},022590,2024-03-05,0262,',
    ],
)
def test_a_stray_quote_makes_only_its_row_invalid(tmp_path: Path, bad: str) -> None:
    findings = audited(tmp_path, csv_bytes([THREE[0], bad, THREE[2]]))
    assert found(findings) == [
        (1, "LBP-0262-NO-0110"),
        (2, "INPUT-INVALID"),
        (3, "LBP-0262-NO-0110"),
    ]
    assert "quote" in findings["message"][1]


def test_quoted_fields_are_read_as_csv(tmp_path: Path) -> None:
    rows = [
        f'"{P}","022590","2024-03-04","0262","a, b"',
        f'{P},022590,2024-03-05,"0262","said ""hi"""',
        f'{P}, "022590" ,2024-03-06,0262,',
    ]
    findings = audited(tmp_path, csv_bytes(rows))
    assert found(findings) == THREE_FOUND
    assert findings["provider_id"].to_list() == ["022590"] * 3


def test_a_quoted_header_is_parsed_as_csv(tmp_path: Path) -> None:
    header = ",".join(f'"{c}"' for c in HEADER)  # R's write.csv quotes every name
    rows = [",".join(f'"{v}"' for v in r.split(",")) for r in THREE]
    assert found(audited(tmp_path, csv_bytes(rows, header=header))) == THREE_FOUND


def test_a_line_with_more_fields_than_the_header_is_invalid(tmp_path: Path) -> None:
    # an unquoted comma in a field shifts the columns: the row cannot be trusted
    rows = [THREE[0], lonely("2024-03-05", note="Hansen, Søren"), THREE[2] + ",,"]
    findings = audited(tmp_path, csv_bytes(rows))
    assert found(findings) == [
        (1, "LBP-0262-NO-0110"),
        (2, "INPUT-INVALID"),
        (3, "LBP-0262-NO-0110"),  # empty extra fields are harmless
    ]
    assert "6 fields, the header 5" in findings["message"][1]


# -- blank lines and row numbers --------------------------------------------------------------


def test_blank_lines_are_skipped_and_rows_keep_their_line_numbers(tmp_path: Path) -> None:
    rows = ["", THREE[0], "", "   ", ",,,,", THREE[1], "\t", THREE[2], "", ""]
    # the header is line 1, so a record's row is its line number minus one
    assert found(audited(tmp_path, csv_bytes(rows))) == [
        (2, "LBP-0262-NO-0110"),
        (6, "LBP-0262-NO-0110"),
        (8, "LBP-0262-NO-0110"),
    ]


def test_blank_lines_before_the_header_are_skipped(tmp_path: Path) -> None:
    data = b"\n\n" + csv_bytes(THREE)
    assert found(audited(tmp_path, data)) == THREE_FOUND


def test_rows_count_physical_lines_in_a_cr_file_with_blank_lines(tmp_path: Path) -> None:
    rows = [THREE[0], "", THREE[1]]
    assert found(audited(tmp_path, csv_bytes(rows, "\r"))) == [
        (1, "LBP-0262-NO-0110"),
        (3, "LBP-0262-NO-0110"),
    ]


# -- encodings ------------------------------------------------------------------------------


def names_file(encoding: str) -> bytes:
    # Søren has a first consultation, Særen only the supplementary one: two patients, one
    # error; read lossily they would merge into one patient and the error would vanish
    filler = [f"{i:010d},022590,2024-01-02,0110," for i in range(400)]  # past the first 8 KB
    rows = [*filler, "Søren,022590,2024-03-04,0110,", "Særen,022590,2024-03-04,0262,"]
    return ("\n".join([",".join(HEADER), *rows]) + "\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_it_reads_windows_and_latin_1_text_when_told(tmp_path: Path, encoding: str) -> None:
    findings = audited(tmp_path, names_file(encoding), encoding=encoding)
    assert found(findings) == [(402, "LBP-0262-NO-0110")]
    assert findings["patient_id"].to_list() == ["Særen"]


def test_a_non_utf8_file_is_refused_naming_the_first_bad_line(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes(names_file("cp1252"))
    message = one_line(forlob("audit", str(p)))
    assert "line 402 is not UTF-8" in message and "--encoding cp1252" in message


def test_an_undecodable_cp1252_byte_is_refused_naming_its_line(tmp_path: Path) -> None:
    data = csv_bytes(THREE[:2]) + b"x\x81y,022590,2024-03-06,0262,\n"
    with pytest.raises(ExtractError, match="line 4 is not cp1252"):
        audited(tmp_path, data, encoding="cp1252")


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    assert found(audited(tmp_path, b"\xef\xbb\xbf" + csv_bytes(THREE))) == THREE_FOUND


def test_an_unknown_encoding_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="unknown encoding 'ebcdic'"):
        audited(tmp_path, csv_bytes(THREE), encoding="ebcdic")


# -- delimiters -----------------------------------------------------------------------------


def test_a_semicolon_file_is_recognised_from_its_header(tmp_path: Path) -> None:
    rows = [r.replace(",", ";") for r in THREE]
    rows[1] = f'{P};022590;2024-03-05;0262;"a; b, c"'
    data = csv_bytes(rows, header=";".join(HEADER))
    assert found(audited(tmp_path, data)) == THREE_FOUND


def test_the_delimiter_can_be_forced(tmp_path: Path) -> None:
    data = csv_bytes([r.replace(",", ";") for r in THREE], header=";".join(HEADER))
    assert found(audited(tmp_path, data, delimiter=";")) == THREE_FOUND
    with pytest.raises(ExtractError, match="required column 'patient_id' is missing"):
        audited(tmp_path, data, delimiter=",")


def test_a_semicolon_file_through_the_command_line(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes(csv_bytes([r.replace(",", ";") for r in THREE], header=";".join(HEADER)))
    assert forlob("audit", str(p), "--format", "jsonl").returncode == 1
    assert forlob("audit", str(p), "--format", "jsonl", "--delimiter", ";").returncode == 1


# -- files that are not extracts --------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\r\n\r\n"], ids=["zero", "blank", "crlf"])
def test_an_empty_file_is_a_one_line_error(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes(content)
    assert "is empty" in one_line(forlob("audit", str(p)))


def test_dev_null_is_a_one_line_error() -> None:
    assert "is empty" in one_line(forlob("audit", "/dev/null"))


def test_a_header_without_lines_is_a_one_line_error(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes(csv_bytes(["", ""]))
    assert "no lines" in one_line(forlob("audit", str(p)))


def test_a_truncated_gzip_file_is_a_one_line_error(tmp_path: Path) -> None:
    whole = gzip.compress(csv_bytes([lonely(f"2024-03-{d:02d}") for d in range(1, 29)] * 200))
    p = tmp_path / "x.csv.gz"
    p.write_bytes(whole[: len(whole) // 2])
    message = one_line(forlob("audit", str(p)))
    assert "truncated" in message and "nothing was audited" in message


def test_a_gzip_file_is_recognised_by_its_content(tmp_path: Path) -> None:
    assert found(audited(tmp_path, gzip.compress(csv_bytes(THREE)), "x.csv")) == THREE_FOUND
