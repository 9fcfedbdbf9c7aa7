"""Attachments are checked by type (read by the library that knows the format) and size, stored
under their SHA-256, and listed in the step that carries them (so the chain covers them)."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfWriter

from liangfang.procedures.errors import ValidationFailed
from liangfang.procedures.models import Attachment, Step
from liangfang.procedures.services import Upload, case_open, step_record
from liangfang.procedures.services.attachments import path_of

from .conftest import D, World, minutes


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.7 this is not really a PDF", "不是可读的"),
    (b"MZ\x90\x00 a program", "不是可读的"),
    (b"", "是空的"),
])
def test_a_file_that_is_not_what_it_claims_is_refused(world: World, content: bytes, message: str) -> None:
    case = case_open(kind="household_exit", year=2020, households=world.households[:1], on=D(2020, 11, 2),
                     actor=world.cadre)
    with pytest.raises(ValidationFailed, match=message):
        step_record(case=case, expected_version=case.version, on=D(2020, 11, 4), actor=world.cadre, outcome="同意",
                    attachments=[Upload("minutes", "会议记录.pdf", content)])
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIANGFANG_ATTACHMENT_MAX_BYTES = 1000
    case = case_open(kind="household_exit", year=2020, households=world.households[:1], on=D(2020, 11, 2),
                     actor=world.cadre)
    with pytest.raises(ValidationFailed, match="超过上限"):
        step_record(case=case, expected_version=case.version, on=D(2020, 11, 4), actor=world.cadre, outcome="同意",
                    attachments=[Upload("minutes", "big.pdf", _pdf() + b"\n" * 2000)])


def test_a_stored_file_is_kept_under_its_hash_and_named_in_its_step(world: World) -> None:
    case = case_open(kind="household_exit", year=2020, households=world.households[:1], on=D(2020, 11, 2),
                     actor=world.cadre)
    content = _pdf()
    step_record(case=case, expected_version=case.version, on=D(2020, 11, 4), actor=world.cadre, outcome="同意",
                attachments=[Upload("minutes", "会议记录.pdf", content), minutes("photo.png", "photo")])
    digest = hashlib.sha256(content).hexdigest()
    a = Attachment.objects.get(sha256=digest)
    assert (a.content_type, a.size, a.kind) == ("application/pdf", len(content), "minutes")
    assert path_of(digest).read_bytes() == content
    entry = Step.objects.get(action="done")
    assert {x["sha256"] for x in entry.data["attachments"]} == {digest, Attachment.objects.get(kind="photo").sha256}
