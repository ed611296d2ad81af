"""The course's letters: a prefilled, editable text saved with the course, and its PDF."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forlob.letters import render_pdf
from forlob.web import auditlog
from forlob.web.access import AuthedRequest, access_course
from forlob.web.actions.letters import do_save_letter
from forlob.web.documents import LETTER_KINDS, course_letter
from forlob.web.models import AuditEvent, Letter


class LetterForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Letter"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "true"}),
        max_length=50_000,
        strip=False,  # the letter is kept exactly as written
    )


def _kind(kind: str) -> str:
    if kind not in LETTER_KINDS:
        raise Http404("no such letter")
    return kind


@login_required
def letter_edit(request: AuthedRequest, course_id: int, kind: str) -> HttpResponse:
    course, _rights = access_course(request, course_id)
    kind = _kind(kind)
    letter, saved = course_letter(course, kind)
    form = LetterForm(request.POST or None, initial={"text": letter.text()})
    if request.method == "POST" and form.is_valid():
        do_save_letter(course, kind, form.cleaned_data["text"], actor=request.user)
        messages.success(request, _("The letter is saved with the course."))
        return redirect("letter", course_id=course.pk, kind=kind)
    auditlog.record_view(request.user, saved or course, detail=f"letter {kind}")
    return render(
        request,
        "forlob/letters/edit.html",
        {
            "course": course,
            "kind": kind,
            "kind_label": dict(Letter.KINDS)[kind],
            "form": form,
            "saved": saved,
            "preview": letter.html(document=False),
        },
    )


@login_required
def letter_pdf(request: AuthedRequest, course_id: int, kind: str) -> HttpResponse:
    course, _rights = access_course(request, course_id)
    kind = _kind(kind)
    letter, _saved = course_letter(course, kind)
    pdf = render_pdf(letter.text(), title=letter.title)
    auditlog.record(request.user, AuditEvent.EXPORT, course, detail=f"letter {kind} pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    # the file name carries no personal data: the course id and the kind only
    response["Content-Disposition"] = f'attachment; filename="forlob-{course.pk}-{kind}.pdf"'
    return response
