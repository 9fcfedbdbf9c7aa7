"""The forms of the procedure pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms

from ..services.attachments import KINDS


class DateForm(forms.Form):
    on = forms.DateField(label="日期 date", widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class RecordForm(DateForm):
    people = forms.CharField(label="参加人员 people present", max_length=400, required=False)
    outcome = forms.CharField(label="结果 outcome", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    kind = forms.ChoiceField(label="附件类别 attachment kind", choices=list(KINDS.items()), required=False)
    file = forms.FileField(label="附件 attachment", required=False)
    kind2 = forms.ChoiceField(label="附件类别 attachment kind", choices=list(KINDS.items()), required=False)
    file2 = forms.FileField(label="附件 attachment", required=False)


class ObjectionForm(DateForm):
    raised_by = forms.CharField(label="异议人 raised by", max_length=100)
    content = forms.CharField(label="异议内容 objection", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    household = forms.CharField(label="涉及农户（户编号，可空）household number (optional)", max_length=20,
                                required=False)


class ResolveForm(DateForm):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(label="复核结果 what the re-check found", widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000)
    people = forms.CharField(label="参加人员 people present", max_length=400, required=False)
    upheld = forms.BooleanField(label="异议成立 the objection is upheld", required=False)
    remove = forms.CharField(label="移出名单的户编号（逗号分隔）households to take off the list", max_length=2000,
                             required=False)


class ReviewForm(DateForm):
    decision = forms.ChoiceField(label="审核意见 decision",
                                 choices=[("approve", "通过 approve"), ("send_back", "退回 send back")])
    reason = forms.CharField(label="意见或退回理由 opinion or reason", widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000, required=False)


class OpenForm(forms.Form):
    kind = forms.ChoiceField(label="程序 procedure")
    year = forms.IntegerField(label="年度 year", min_value=2013, max_value=2100)
    on = forms.DateField(label="立案日期 date", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明 note", max_length=400, required=False)

    def __init__(self, *args: object, kinds: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]


class AnnounceForm(forms.Form):
    on = forms.DateField(label="公告日期 date", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="标题 title", max_length=200, required=False)
