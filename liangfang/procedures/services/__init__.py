"""The procedures' services (all writes). See the package docstring of ``liangfang.procedures``."""

from .attachments import Upload
from .cases import case_open, review_decide, step_record
from .notices import announce, notice_post, objection_record, objection_resolve

__all__ = ["Upload", "announce", "case_open", "notice_post", "objection_record", "objection_resolve",
           "review_decide", "step_record"]
