"""``POST /register/import``: staff upload a resident register from the office console, see
the report (rows refused, moves, new estates) of a dry run, and confirm. The same import as
``python -m server import-register`` (docs/register-format.md), with the same words, except
that advice naming a command option names the console's tick instead."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, UploadFile, status
from starlette.concurrency import run_in_threadpool

from server.api.deps import EngineDep, StaffDep
from server.api.errors import error_responses
from server.domain.register import (
    FIELDS,
    ImportReport,
    Problem,
    RegisterFileError,
    column_map,
    import_register,
    text,
)
from server.domain.register.read import MAX_FILE_BYTES
from services.protocol import RegisterImportReport, RegisterProblem

router = APIRouter(tags=["register"])

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
_CHUNK = 1024 * 1024


def _problem(p: Problem, lang: str) -> RegisterProblem:
    return RegisterProblem(
        code=p.code,
        sheet=p.sheet,
        row=p.row,
        column=p.column,
        message=p.text(lang, console=True),
    )


def _report(report: ImportReport, lang: str, dry_run: bool) -> RegisterImportReport:
    return RegisterImportReport(
        written=report.written, dry_run=dry_run, layout_refused=report.layout_refused,
        rows=report.rows, skipped=report.skipped, refused_rows=report.refused_rows,
        residents_created=report.residents_created, residents_updated=report.residents_updated,
        residents_unchanged=report.residents_unchanged, residents_moved=report.residents_moved,
        households_created=report.households_created, estates_created=report.estates_created,
        districts_created=report.districts_created,
        errors=[_problem(p, lang) for p in report.errors],
        notes=[_problem(p, lang) for p in report.notes],
        summary=report.summary(lang),
    )  # fmt: skip


async def _save(upload: UploadFile, folder: Path, lang: str) -> Path:
    """The upload in a file of its own (the reader needs a path), within the size limit."""
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=text("bad_type", lang))
    path = folder / f"register{suffix}"
    size = 0
    with open(path, "wb") as out:
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise HTTPException(
                    status.HTTP_413_CONTENT_TOO_LARGE,
                    detail=text(
                        "file_too_large",
                        lang,
                        size=f">{MAX_FILE_BYTES >> 20}",
                        limit=MAX_FILE_BYTES >> 20,
                    ),
                )
            out.write(chunk)
    return path


@router.post(
    "/register/import",
    response_model=RegisterImportReport,
    responses=error_responses(
        (400, "the multipart body cannot be read"),
        401,
        (403, "not staff"),
        (413, "the file is larger than the register limit"),
        (
            422,
            "not a register file (type, encoding, damaged or oversized workbook, a cell or "
            "row limit), a --column pair naming no field, or a malformed request",
        ),
    ),
    description=(
        "Check (dry_run=true, the default) or import a resident register: .xlsx, .xls, "
        ".ods or .csv, as docs/register-format.md describes. The answer is the import's "
        "report, refusals and notes in Chinese (lang=zh) or English: a refused row or "
        "column is a 200 with written=false, not an HTTP error. Staff only; the register is "
        "imported into the staff's community (only its places and people are matched)."
    ),
)
async def import_register_file(
    user: StaffDep,
    engine: EngineDep,
    file: UploadFile,
    dry_run: Annotated[bool, Query(description="check and report, write nothing")] = True,
    skip_bad: Annotated[
        bool, Query(description="import the good rows even if some are bad")
    ] = False,
    create_estates: Annotated[
        bool, Query(description="create unknown estates in their 片区")
    ] = False,
    apply_moves: Annotated[
        bool, Query(description="move residents found at another address")
    ] = False,
    sheet: Annotated[
        str | None, Query(max_length=200, description="import this sheet only")
    ] = None,
    ignore_column: Annotated[
        list[str], Query(max_length=50, description="headers or letters to leave out")
    ] = [],  # noqa: B006
    column: Annotated[list[str], Query(max_length=50, description="HEADER=FIELD")] = [],  # noqa: B006
    lang: Annotated[Literal["zh", "en"], Query()] = "zh",
) -> RegisterImportReport:
    columns = column_map(column)
    if isinstance(columns, str):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=text("bad_column_option", lang, pair=columns, fields=", ".join(FIELDS)),
        )
    with tempfile.TemporaryDirectory(prefix="register-") as folder:
        path = await _save(file, Path(folder), lang)
        try:
            report = await run_in_threadpool(
                import_register, engine, path, skip_bad=skip_bad, dry_run=dry_run,
                create_estates=create_estates, apply_moves=apply_moves, sheet=sheet,
                ignore_columns=ignore_column, columns=columns, community=user.community_id,
            )  # fmt: skip
        except RegisterFileError as exc:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, detail=exc.text(lang)
            ) from None
    return _report(report, lang, dry_run)
