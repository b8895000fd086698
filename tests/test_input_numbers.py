"""No 500 from a number: ids, page numbers, years, capacities and dates beyond what the
database holds answer 404 or a message beside the field (app.web.inputs)."""
import re

import pytest
from werkzeug.routing import IntegerConverter

from app.core.extensions import db
from app.web.inputs import INT_MAX
from tests.conftest import login
from tests.factories import url_for_rule, world

BAD_IDS = [2**31, 2**63, -1]


def int_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if any(isinstance(c, IntegerConverter) for c in rule._converters.values())),
                  key=lambda rule: rule.rule)


def test_every_int_argument_beyond_the_integer_range_answers_404(app, client, make):
    w = world()
    login(client, w["users"]["admin"])  # an admin, so no 403 hides what the number does
    rules = int_rules(app)
    assert len(rules) > 30
    adapter = app.url_map.bind("localhost")
    wrong = {}
    for rule in rules:
        method = "GET" if "GET" in rule.methods else "POST"
        _endpoint, good = adapter.match(url_for_rule(rule, w), method=method)
        for argument, converter in rule._converters.items():
            if not isinstance(converter, IntegerConverter):
                continue
            for bad in BAD_IDS:
                # This one argument out of range, the others naming real rows.
                url = rule.rule
                for name in rule.arguments:
                    url = re.sub(rf"<(?:[^:>]+:)?{name}>", str(bad if name == argument else good[name]), url)
                response = client.open(url, method=method)
                db.session.rollback()
                if response.status_code != 404:
                    wrong[f"{method} {url}"] = response.status_code
    assert wrong == {}


HUGE = "99999999999999999999"

LIST_PAGES = [
    f"/?page={HUGE}", f"/?year={HUGE}", f"/?year=-{HUGE}", "/?year=2147483648&page=-5",
    f"/proposals/?page={HUGE}", f"/proposals/?cycle={HUGE}", "/proposals/?cycle=2147483648",
    f"/proposals/suggest?title=x&proposal_id={HUGE}",
    f"/events?page={HUGE}", f"/notifications?page={HUGE}",
    f"/admin/users?page={HUGE}", f"/admin/audit?page={HUGE}",
    "/admin/audit?from=0001-01-01&to=9999-12-31", "/admin/audit?from=1-1-1",
    f"/leaderboard?cycle={HUGE}", "/leaderboard?cycle=2147483648",
]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_list_pages_treat_an_unusable_number_as_absent(app, client, make, path):
    w = world()
    login(client, w["users"]["admin"])
    assert client.get(path).status_code == 200
    assert client.get(path, headers={"HX-Request": "true"}).status_code == 200


def test_the_public_sees_the_same_without_logging_in(app, client, make):
    world()
    for path in (f"/?page={HUGE}", f"/?year={HUGE}", f"/leaderboard?cycle={HUGE}", f"/events?page={HUGE}"):
        assert client.get(path).status_code == 200, path


def test_a_year_that_fits_but_has_no_cycle_still_answers_404_on_the_leaderboard(app, client, make):
    world()
    assert client.get("/leaderboard?cycle=3000").status_code == 404


def test_ids_posted_in_forms_beyond_the_range_name_nothing(app, client, make):
    w = world()
    login(client, w["users"]["admin"])
    event = w["event"]
    assert client.post(f"/events/{event.id}/attendance", data={"registration_id": str(2**63)}).status_code == 404
    linked = client.post(f"/events/{event.id}/proposals", data={"proposal_id": str(2**63)},
                         headers={"HX-Request": "true"})
    assert linked.status_code == 422 and "Pilih usulan." in linked.get_data(as_text=True)


def event_form(**changes):
    data = {"title": "Klinik inovasi", "kind": "coaching", "starts_at": "2026-06-01T09:00",
            "ends_at": "2026-06-01T12:00", "place": "Aula Bappeda", "capacity": "30", "description": "",
            "is_public": "y", "registration_open": "y"}
    data.update(changes)
    return data


@pytest.mark.parametrize("changes, field, message", [
    ({"capacity": str(10**12)}, "capacity", "Kapasitas antara 1 dan 10.000 orang."),
    ({"capacity": str(2**63)}, "capacity", "Kapasitas antara 1 dan 10.000 orang."),
    ({"starts_at": "0001-01-01T09:00", "ends_at": "0001-01-01T10:00"}, "starts_at", "antara tahun 1900 dan 2100"),
    ({"starts_at": "9999-12-31T09:00", "ends_at": "9999-12-31T10:00"}, "starts_at", "antara tahun 1900 dan 2100"),
])
def test_event_numbers_and_dates_out_of_range_are_form_errors(app, client, make, changes, field, message):
    w = world()
    login(client, w["users"]["admin"])
    for path in ("/events/new", f"/events/{w['event'].id}/edit"):
        response = client.post(path, data=event_form(**changes))
        html = response.get_data(as_text=True)
        assert response.status_code == 422, path
        assert f'id="{field}-error"' in html and message in html


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_cycle_and_proposal_dates_outside_1900_to_2100_are_form_errors(app, client, make, day):
    w = world()
    login(client, w["users"]["admin"])
    cycle = client.post("/admin/cycles/new", data={"year": "2030", "submission_opens": day,
                                                   "submission_closes": "2030-12-31", "target_per_agency": "1"})
    assert cycle.status_code == 422
    assert 'id="submission_opens-error"' in cycle.get_data(as_text=True)
    proposal = client.post("/proposals/new", data={"title": "Inovasi baru", "lab_stage": "drum_up",
                                                   "agency": w["agency_a"].code, "trial_date": day})
    assert proposal.status_code == 422
    assert 'id="trial_date-error"' in proposal.get_data(as_text=True)


def test_dates_at_the_edges_of_the_range_are_accepted(app, client, make):
    w = world()
    login(client, w["users"]["admin"])
    response = client.post("/admin/cycles/new", data={"year": "2030", "submission_opens": "1900-01-01",
                                                      "submission_closes": "2100-12-31", "target_per_agency": "1"})
    assert response.status_code == 302


def test_an_evidence_id_beyond_the_range_is_a_form_error(app, client, make):
    w = world()
    login(client, w["users"]["innovator_a"])
    indicator = w["indicator"]
    response = client.post(f"/proposals/{w['approved'].id}/maturity/{indicator.id}/claim",
                           data={f"c{indicator.id}-level": "1", f"c{indicator.id}-attachment_id": str(2**63)})
    assert response.status_code == 422
    assert f'id="c{indicator.id}-attachment_id-error"' in response.get_data(as_text=True)


def test_every_integer_form_field_is_bounded_to_the_integer_range(app):
    """Every IntegerField has a NumberRange within the column's range; every int select
    either checks its choices or has one; every date field has the one date validator."""
    from wtforms import (
        DateField,
        DateTimeLocalField,
        IntegerField,
        RadioField,
        SelectField,
    )
    from wtforms.validators import NumberRange

    from app.web.inputs import DateInRange

    problems = []
    with app.test_request_context():
        for form_class in all_form_classes():
            form = form_class(meta={"csrf": False})
            for field in _flat(form):
                ranges = [v for v in field.validators if isinstance(v, NumberRange)]
                bounded = any(v.min is not None and v.max is not None and v.max <= INT_MAX for v in ranges)
                name = f"{form_class.__name__}.{field.name}"
                if isinstance(field, IntegerField) and not bounded:
                    problems.append(name)
                if (isinstance(field, (SelectField, RadioField)) and field.coerce is int
                        and not field.validate_choice and not bounded):
                    problems.append(name)
                if isinstance(field, (DateField, DateTimeLocalField)) and not any(
                        isinstance(v, DateInRange) for v in field.validators):
                    problems.append(name)
    assert problems == []


def _flat(form):
    """The form's fields, with those of field lists and sub-forms."""
    from wtforms import FieldList, FormField

    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from (_flat(entry.form) if isinstance(entry, FormField) else [entry])
        elif isinstance(field, FormField):
            yield from _flat(field.form)
        else:
            yield field


def all_form_classes() -> list[type]:
    """Every FlaskForm of every feature (each feature's forms module), and the sub-forms they hold."""
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm
    from wtforms import Form

    import app as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.ispkg:
            try:
                importlib.import_module(f"app.{module.name}.forms")
            except ModuleNotFoundError:
                pass

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted({cls for cls in subclasses(Form) if cls.__module__.startswith("app.")
                   and (issubclass(cls, FlaskForm) or cls.__module__.endswith(".forms"))},
                  key=lambda cls: (cls.__module__, cls.__name__))
