"""What a view tells the person after a write: portal.feedback."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError

from portal.feedback import attempt


def request_with_messages(rf):
    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_attempt_says_done_and_passes_the_arguments(rf):
    request, seen = request_with_messages(rf), []
    assert attempt(request, lambda *a, **k: seen.append((a, k)), "Saved.", 1, by="me") is True
    assert seen == [((1,), {"by": "me"})]
    assert [str(m) for m in get_messages(request)] == ["Saved."]


def test_attempt_says_each_reason_it_was_refused(rf):
    def refuse():
        raise ValidationError(["Too late.", "Too much."])

    request = request_with_messages(rf)
    assert attempt(request, refuse, "Saved.") is False
    assert [str(m) for m in get_messages(request)] == ["Too late.", "Too much."]
