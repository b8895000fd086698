"""A shared fragment is rendered for an Audience (role and agency), never for the person
(app.web.caching): reading anything else of the viewer fails loudly, inside a template too."""
import pytest
from flask_login import login_user
from jinja2 import ChoiceLoader, DictLoader

from app.core.extensions import db
from app.proposals import visibility  # the blind-review rule the template globals call
from app.web import caching
from app.web.caching import Audience, AudienceLeak
from tests import factories

TEMPLATES = {
    "tiny.html": (
        "{% block by_audience %}{{ current_user.role }}/{{ current_user.agency_id }}/"
        "{{ current_user.is_authenticated }}/{{ current_user.is_admin }}{% endblock %}"
        "{% block by_person %}{{ current_user.id }}{% endblock %}"
        "{% block by_name %}{% if current_user.name %}named{% endif %}{% endblock %}"
        "{% block with_token %}{{ csrf_token() }}{% endblock %}"
        "{% block blind %}{{ shown_agency(proposal) }}{% endblock %}"
    ),
}


@pytest.fixture
def tiny_templates(app, monkeypatch):
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader]))


@pytest.fixture
def person(make):
    user = make.user(role="innovator", name="Siti Rahmawati")
    db.session.commit()
    return user


def shared(app, user, block: str, **context) -> str:
    """`block` of tiny.html as the shared fragment of a request by `user`."""
    with app.test_request_context("/proposals/"):
        login_user(user)
        return caching.fragment(
            "v1", {}, lambda audience: caching.render_shared(audience, "tiny.html", block, **context))


def test_a_shared_fragment_sees_the_audience_in_place_of_the_person(app, tiny_templates, person):
    html = shared(app, person, "by_audience")
    assert html == f"innovator/{person.agency_id}/True/False"


def test_a_shared_fragment_reading_the_persons_id_fails_loudly(app, tiny_templates, person):
    with pytest.raises(AudienceLeak, match="current_user.id"):
        shared(app, person, "by_person")


def test_a_test_of_the_persons_name_fails_too_instead_of_reading_as_undefined(app, tiny_templates, person):
    # Jinja turns an AttributeError into Undefined (so `if` would quietly be false): this is none.
    assert not issubclass(AudienceLeak, AttributeError)
    with pytest.raises(AudienceLeak, match="current_user.name"):
        shared(app, person, "by_name")


def test_a_shared_fragment_may_hold_no_form_token(app, tiny_templates, person):
    with pytest.raises(AudienceLeak, match="form token"):
        shared(app, person, "with_token")


def test_template_helpers_take_their_viewer_from_the_template(app, tiny_templates, make, monkeypatch):
    """shown_agency() in a shared fragment asks about the Audience, not the person: a
    reviewer's audience gets blind review's neutral label, an admin's the agency's name."""
    cycle = make.cycle(blind_review=True)
    agency = make.agency(name="Dinas Tersembunyi")
    proposal = factories.submitted(author=make.user(agency_=agency), cycle_=cycle, title="Inovasi Buta")
    reviewer, admin = make.user(role="reviewer"), make.user(role="admin")
    db.session.commit()
    assert "Dinas Tersembunyi" not in shared(app, reviewer, "blind", proposal=proposal)
    assert shared(app, admin, "blind", proposal=proposal) == "Dinas Tersembunyi"
    viewers = []
    original = visibility.hides_identity
    monkeypatch.setattr(visibility, "hides_identity",
                        lambda viewer, proposal: viewers.append(viewer) or original(viewer, proposal))
    caching.clear()
    shared(app, reviewer, "blind", proposal=proposal)
    assert viewers == [Audience.of(reviewer)] and isinstance(viewers[0], Audience)


def test_the_audience_is_the_fragments_key_and_nothing_else_of_the_person(app, tiny_templates, make):
    agency = make.agency()
    first, second = make.user(role="innovator", agency_=agency), make.user(role="innovator", agency_=agency)
    other = make.user(role="innovator")
    db.session.commit()
    assert Audience.of(first) == Audience.of(second) != Audience.of(other)
    renders = []

    def render(audience):
        renders.append(audience)
        return caching.render_shared(audience, "tiny.html", "by_audience")

    for user in (first, second, other):
        with app.test_request_context("/proposals/"):
            login_user(user)
            caching.fragment("v1", {}, render)
    assert renders == [Audience.of(first), Audience.of(other)]  # the colleague got the first rendering
    with pytest.raises(AudienceLeak):
        Audience.of(first).email
