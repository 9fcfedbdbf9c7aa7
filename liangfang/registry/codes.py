"""The code lists now live in ``liangfang.domain.codes`` (no Django); re-exported for callers not yet moved."""

from ..domain.codes import CodeList, choices, code_labels, code_list, code_lists, label, lookup

__all__ = ["CodeList", "choices", "code_labels", "code_list", "code_lists", "label", "lookup"]
