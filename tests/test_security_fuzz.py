"""Hypothesis-generated input to every form: whatever arrives, the answer is never a 500.

The field names come from the form classes themselves, so a field added later is fuzzed
too. Values mix arbitrary text (control characters and NUL included), long strings,
numbers, dates and the valid choices, so examples reach past the first validator.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.admin.forms import AgencyForm, CycleForm, UserForm
from app.auth.forms import LoginForm
from app.core.extensions import db, limiter
from app.events.forms import EventForm
from app.proposals.forms import CommentForm, ProposalForm
from app.reviews.forms import DecisionForm, ReviewForm
from tests.conftest import login
from tests.factories import world

FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ANY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda s: s * 400),  # long
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "2026-02-30", "2026-06-01", "2026-06-01T09:00",
                     "1e309", "NaN", "\x00", "a\x00b", "../../etc/passwd", "<script>alert(1)</script>",
                     "' OR 1=1 --", "\ud7ff", "ﬁ", "y", "on", "true"]),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
)


def field_values(form_class, prefix: str = "", app=None):
    """A strategy for a dict of {field name: value} covering every field of the form."""
    with app.test_request_context():
        form = form_class(prefix=prefix, meta={"csrf": False})
        fields = {}
        for field in form:
            options = [str(value) for value, _label in (getattr(field, "choices", None) or [])
                       if not isinstance(value, (list, tuple))]
            value = st.one_of(ANY_TEXT, st.sampled_from(options)) if options else ANY_TEXT
            fields[field.name] = st.one_of(st.none(), value)
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


FORMS = {
    # name: (role, form class, path from the world, prefix from the world)
    "login": (None, LoginForm, lambda w: "/auth/login", lambda w: ""),
    "proposal_new": ("innovator_a", ProposalForm, lambda w: "/proposals/new", lambda w: ""),
    "proposal_new_admin": ("admin", ProposalForm, lambda w: "/proposals/new", lambda w: ""),
    "proposal_edit": ("innovator_a", ProposalForm, lambda w: f"/proposals/{w['draft'].id}/edit", lambda w: ""),
    "comment": ("innovator_b", CommentForm, lambda w: f"/proposals/{w['submitted'].id}/comments", lambda w: ""),
    "review": ("reviewer", ReviewForm, lambda w: f"/proposals/{w['submitted'].id}/review",
               lambda w: f"r{w['submitted'].id}"),
    "decision": ("admin", DecisionForm, lambda w: f"/proposals/{w['submitted'].id}/decision",
                 lambda w: f"d{w['submitted'].id}"),
    "event_new": ("admin", EventForm, lambda w: "/events/new", lambda w: ""),
    "event_edit": ("admin", EventForm, lambda w: f"/events/{w['event'].id}/edit", lambda w: ""),
    "user_new": ("admin", UserForm, lambda w: "/admin/users/new", lambda w: ""),
    "user_edit": ("admin", UserForm, lambda w: f"/admin/users/{w['users']['innovator_b'].id}/edit", lambda w: ""),
    "agency_new": ("admin", AgencyForm, lambda w: "/admin/agencies/new", lambda w: ""),
    "agency_edit": ("admin", AgencyForm, lambda w: f"/admin/agencies/{w['agency_b'].id}/edit", lambda w: ""),
    "cycle_new": ("admin", CycleForm, lambda w: "/admin/cycles/new", lambda w: ""),
    "cycle_edit": ("admin", CycleForm, lambda w: f"/admin/cycles/{w['cycle'].id}/edit", lambda w: ""),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_form_never_answers_500(app, client, make, name):
    role, form_class, path_of, prefix_of = FORMS[name]
    w = world()
    if role:
        login(client, w["users"][role])
    path, prefix = path_of(w), prefix_of(w)

    @FUZZ
    @given(data=field_values(form_class, prefix, app), htmx=st.booleans())
    def post(data, htmx):
        limiter.reset()  # the login limit would otherwise answer 429 before the form is read
        response = client.post(path, data=data, headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code < 500, (response.status_code, data)
        db.session.rollback()

    post()
