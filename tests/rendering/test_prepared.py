"""Rules for converting a form before its signatures: the form filed from it shows every
signature and signing time in its box, in the DOCX and the PDF, and reads as the form rendered
the whole way does; anything that changed since, and the whole way it goes."""

import io
import re
import zipfile
from dataclasses import replace

import pypdfium2
from PIL import Image
from pyhanko.pdf_utils.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)
from pypdf import PdfReader
from sqlalchemy import select

from forms_service.archive.models import ArchiveRecord
from forms_service.archive.service import blob_store
from forms_service.database import committed
from forms_service.documents import service as documents
from forms_service.extensions import db
from forms_service.rendering import prepared, queue, tasks
from forms_service.rendering.jobs import (
    certificate_data,
    pinned_version,
    prepare_for_signing,
    render_input,
    run_job,
)
from forms_service.rendering.models import PreparedRender
from forms_service.rendering.service import render
from tests.conftest import signed_by_all


def filed(document) -> ArchiveRecord:
    return db.session.execute(
        select(ArchiveRecord).where(ArchiveRecord.document_id == document.id)
    ).scalar_one()


def form_text(pdf: bytes, pages: int) -> list[str]:
    """The first `pages` pages' words, as the archive's index reads them."""
    document = pypdfium2.PdfDocument(pdf)
    return [" ".join(document[i].get_textpage().get_text_range().split()) for i in range(pages)]


def test_a_form_converted_before_its_signatures_is_filed_with_them_in_their_boxes(
    world, consent_document, monkeypatch
):
    document = consent_document()
    assert prepare_for_signing(document.id)
    job = signed_by_all(world, document)
    fill, calls = prepared.fill, []
    monkeypatch.setattr(prepared, "fill", lambda *args: calls.append(args) or fill(*args))
    assert run_job(job.id)
    assert calls, "the kept form was not used"
    record = filed(document)
    pdf, docx = blob_store().get(record.pdf_sha256), blob_store().get(record.docx_sha256)
    inp = render_input(document)
    words = " ".join(form_text(pdf, len(PdfReader(io.BytesIO(pdf)).pages)))
    with zipfile.ZipFile(io.BytesIO(docx)) as parts:
        xml = parts.read("word/document.xml").decode()
        media = [parts.read(n) for n in parts.namelist() if n.startswith("word/media/")]
    extents = [(int(w), int(h)) for w, h in re.findall(r'<wp:extent cx="(\d+)" cy="(\d+)"', xml)]
    sizes = {image.image.size for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images}
    for signer in inp.signers:
        assert " ".join(signer.signed_at.split()) in words and signer.signed_at in xml
        assert signer.png in media and prepared._png_size(signer.png) in sizes  # as drawn
        width, height = prepared._png_size(signer.png)
        assert any(abs(w / h - width / height) < 0.01 for w, h in extents)  # its own shape
    assert not [m for m in media if prepared._box_of(*prepared._png_size(m))]  # no placeholder
    assert "Audit certificate" in words
    assert db.session.get(PreparedRender, document.id) is None  # deleted with the filing


def test_the_form_filed_from_its_boxes_reads_as_the_form_rendered_the_whole_way(
    world, consent_document
):
    document = consent_document()
    assert prepare_for_signing(document.id)
    assert run_job(signed_by_all(world, document).id)
    pdf = blob_store().get(filed(document).pdf_sha256)
    whole_way = render(render_input(document), pinned_version(document), certificate_data(document))
    pages = len(PdfReader(io.BytesIO(whole_way.pdf)).pages)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages
    texts, expected = form_text(pdf, pages), form_text(whole_way.pdf, pages)
    form = next(i for i, text in enumerate(expected) if "Audit certificate" in text)
    assert texts[:form] == expected[:form]  # the trail has grown since: the filing's events


def test_a_form_whose_inputs_changed_since_it_was_converted_is_rendered_the_whole_way(
    world, consent_document
):
    document = consent_document()
    assert prepare_for_signing(document.id)
    world.agency.name = "Gateway Housing Services of St. Louis"
    job = signed_by_all(world, document)
    kept = db.session.get(PreparedRender, document.id)
    inp, version = render_input(document), pinned_version(document)
    assert kept.inputs_sha256 != prepared.inputs_sha256(inp, version)
    assert run_job(job.id)
    words = " ".join(form_text(blob_store().get(filed(document).pdf_sha256), 1))
    assert "Gateway Housing Services of St. Louis" in words


def test_signing_times_only_change_nothing_the_kept_form_was_rendered_from(world, consent_document):
    document = consent_document()
    inp, version = render_input(document), pinned_version(document)
    signers = [replace(s, signed_at="December 5, 2026, 9:30 AM CST") for s in inp.signers]
    assert prepared.inputs_sha256(replace(inp, signers=signers), version) == (
        prepared.inputs_sha256(inp, version)
    )
    assert prepared.inputs_sha256(replace(inp, client_name="Ana López"), version) != (
        prepared.inputs_sha256(inp, version)
    )


def test_a_right_to_left_form_is_rendered_the_whole_way_when_signed(world, consent_document):
    world.client.preferred_language = "ar"
    db.session.commit()
    document = consent_document()
    assert document.language == "ar"
    assert not prepare_for_signing(document.id)
    assert db.session.get(PreparedRender, document.id) is None


def test_a_form_is_converted_in_the_background_once_it_is_sent(app, world, consent_document):
    """On a thread of its own: the render threads, and the converters they use, stay free for
    documents just signed, however many forms are sent at once."""
    app.config["RENDER_QUEUE"] = "threads"
    document = consent_document()
    committed()  # what the request does once its transaction has committed
    preparing = app.extensions["forms_prepare_thread"]
    assert preparing._max_workers == 1 and "forms_render_threads" not in app.extensions
    preparing.shutdown(wait=True)
    db.session.expire_all()
    assert db.session.get(PreparedRender, document.id) is not None


def test_forms_kept_for_signatures_that_will_not_come_are_swept(world, consent_document):
    waiting, voided = consent_document(), consent_document()
    assert prepare_for_signing(waiting.id) and prepare_for_signing(voided.id)
    documents.void(world.actor(world.case_manager), voided, "Sent to the wrong recipient")
    db.session.commit()
    queue.sweep()
    assert db.session.get(PreparedRender, waiting.id) is not None
    assert db.session.get(PreparedRender, voided.id) is None


def test_a_kept_form_whose_boxes_cannot_be_filled_is_rendered_the_whole_way(
    world, consent_document, monkeypatch
):
    document = consent_document()
    assert prepare_for_signing(document.id)
    job = signed_by_all(world, document)

    def broken(*args):
        raise ValueError("a damaged kept PDF")

    monkeypatch.setattr(prepared, "fill", broken)
    assert run_job(job.id)  # filed all the same, on its first try
    pdf = blob_store().get(filed(document).pdf_sha256)
    words = " ".join(form_text(pdf, len(PdfReader(io.BytesIO(pdf)).pages)))
    assert "Audit certificate" in words


def test_only_a_wholly_transparent_image_of_a_boxs_size_is_taken_for_a_box():
    """A template's own picture that happens to be 200 x 60 pixels stays as it is."""

    def image(alpha: bytes):
        mask = StreamObject({}, stream_data=alpha)
        size = {NameObject("/Width"): NumberObject(200), NameObject("/Height"): NumberObject(60)}
        return DictionaryObject({**size, NameObject("/SMask"): mask})

    assert prepared._pdf_box(image(bytes(200 * 60))) == "ink:0"
    assert prepared._pdf_box(image(b"\xff" * (200 * 60))) is None  # opaque
    inverted = image(b"\xff" * (200 * 60))  # as LibreOffice writes it: 255 means transparent
    inverted["/SMask"][NameObject("/Decode")] = ArrayObject([NumberObject(1), NumberObject(0)])
    assert prepared._pdf_box(inverted) == "ink:0"
    assert prepared._pdf_box(DictionaryObject({NameObject("/Width"): NumberObject(200)})) is None


def _page_with_a_box(inline: bool = False) -> bytes:
    """A page that fills shapes (`f`, `f*`), shows text naming operators, and draws the
    box `ink:0` inside a form, moved and scaled; an inline image too, when asked."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(612, 792))
    canvas.rect(10, 10, 50, 50, fill=1)
    path = canvas.beginPath()
    path.rect(70, 10, 50, 50)
    canvas.drawPath(path, fill=1, fillMode=0)  # f*
    canvas.drawString(10, 700, "q 1 0 0 1 5 5 cm /Im1 Do Q false true (f) ' \" BI")
    box = ImageReader(io.BytesIO(prepared._placeholder("ink:0")))
    canvas.beginForm("signature")
    canvas.drawImage(box, 0, 0, width=127.5, height=42.5, mask="auto")
    canvas.endForm()
    canvas.saveState()
    canvas.translate(300, 130)
    canvas.doForm("signature")
    canvas.restoreState()
    if inline:
        canvas.drawInlineImage(Image.new("RGB", (2, 2)), 400, 400, width=10, height=3)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_the_boxes_of_a_converted_form_are_found_where_its_pages_draw_them():
    """Read with pyHanko's object reader: its own content-stream parser takes the fill
    operator `f` for the start of `false`; operators inside strings are only text."""
    assert prepared._placements(_page_with_a_box()) == {
        "ink:0": [{"page": 0, "rect": [300.0, 130.0, 127.5, 42.5]}]
    }


def test_a_page_with_an_inline_image_places_no_box_and_is_rendered_the_whole_way():
    assert prepared._placements(_page_with_a_box(inline=True)) == {}


def test_on_celery_a_form_to_convert_goes_to_a_queue_of_its_own(
    app, world, consent_document, monkeypatch
):
    """Workers take both queues in turn: a thousand forms sent at once never hold back a
    document just signed."""
    sent = []
    monkeypatch.setattr(
        tasks.prepare_task, "apply_async", lambda args, queue: sent.append((args, queue))
    )
    app.config["RENDER_QUEUE"] = "celery"
    document = consent_document()
    committed()
    assert sent == [([str(document.id)], f"{app.config['CELERY_QUEUE']}.prepare")]
