"""A button's POST (`run_action`): the service's refusal becomes one error message per
reason and the way back; otherwise the success message and the way on. The views go
through it rather than writing the try/except themselves."""

import ast
from pathlib import Path

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from qms.feedback import run_action

ROOT = Path(__file__).resolve().parent.parent.parent


def post_request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def shown(request) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in get_messages(request)]


def test_a_done_action_says_so_and_goes_where_its_result_leads():
    request = post_request()
    response = run_action(
        request,
        lambda: 42,
        success="Đã lưu.",
        redirect_to="/back/",
        success_to=lambda result: f"/records/{result}/",
    )
    assert (response.status_code, response.url) == (302, "/records/42/")
    assert shown(request) == [(constants.SUCCESS, "Đã lưu.")]


def test_a_done_action_without_a_message_goes_back_in_silence():
    request = post_request()
    response = run_action(request, lambda: None, redirect_to="/back/")
    assert (response.status_code, response.url) == (302, "/back/")
    assert shown(request) == []


def test_a_refused_action_shows_each_reason_and_goes_back():
    def refuse():
        raise ValidationError(["Chưa ký.", "Đã quá hạn."])

    def not_on_a_refusal(result):
        raise AssertionError("success_to is for a done action only")

    request = post_request()
    response = run_action(
        request, refuse, success="Đã lưu.", redirect_to="/back/", success_to=not_on_a_refusal
    )
    assert (response.status_code, response.url) == (302, "/back/")
    assert shown(request) == [(constants.ERROR, "Chưa ký."), (constants.ERROR, "Đã quá hạn.")]


def test_other_errors_are_not_swallowed():
    def fail():
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run_action(post_request(), fail, redirect_to="/back/")


VIEW_MODULES = (
    "qms/views.py",
    "qms/oversight/views.py",
    "procedures/views.py",
    "procedures/dossier_views.py",
    "audits/views.py",
    "nonconformities/views.py",
)

# Refusals turned into messages by hand where `run_action` does not fit: a list page
# that falls back to its first page, and exports whose success is a file, not a way.
NOT_A_BUTTON = {
    "dossier_list",
    "register_export",
    "report_export",
    "turned_away",
    "turned_away_export",
}


def views_writing_the_skeleton_themselves() -> set[str]:
    found = set()
    for module in VIEW_MODULES:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for handler in ast.walk(function):
                if (
                    isinstance(handler, ast.ExceptHandler)
                    and isinstance(handler.type, ast.Name)
                    and handler.type.id == "ValidationError"
                    and any(
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Name)
                        and node.func.id == "error_messages"
                        for node in ast.walk(handler)
                    )
                ):
                    found.add(function.name)
    return found


def test_the_views_answer_a_refused_button_through_run_action():
    assert views_writing_the_skeleton_themselves() == NOT_A_BUTTON
