"""Text has limits: every free-text column has a maximum length, held by the form (422,
the message beside the field, the limit said under the label) and by the database."""
import pytest
from sqlalchemy import Column, String, Text, func, select
from sqlalchemy.exc import DataError, IntegrityError

from app.core.extensions import db
from app.models import Agency, Comment, ConflictDeclaration, EventIdea, EventReport, Proposal, TeamMember, User
from app.models._types import MAX_LENGTH
from tests import factories
from tests.conftest import is_postgres, login
from tests.factories import world


def typed_columns():
    """(model, column) of every table column that declares a maximum length (a computed
    column_property, such as Proposal.in_blind_competition, is no table column)."""
    return [(mapper.class_, column) for mapper in db.Model.registry.mappers
            for column in mapper.columns if isinstance(column, Column) and MAX_LENGTH in column.info]


def test_the_free_text_columns_have_limits():
    names = {f"{model.__tablename__}.{column.name}" for model, column in typed_columns()}
    assert {"proposal.summary", "proposal.design", "proposal.title", "comment.body", "review.comment",
            "status_change.note", "event.description", "event.declaration_text", "maturity_claim.note",
            "maturity_claim.reason", "agency.name", "user_account.name", "signature.signer_name"} <= names


def _one_row_of_each(w):
    """A row of every table with a limited column."""
    factories.signature(w["event"], w["users"]["innovator_b"])
    factories.review(w["submitted"], w["users"]["reviewer"])
    db.session.add(Comment(proposal=w["submitted"], author_id=w["users"]["innovator_b"].id, body="Bagus."))
    db.session.add(ConflictDeclaration(proposal_id=w["approved"].id, reviewer_id=w["users"]["reviewer"].id,
                                       reason="Pernah mendampingi."))
    # An innovation's years after approval (issue 17): an indicator and a yearly report.
    factories.yearly_report(w["earlier"], values={factories.result_indicator(w["earlier"]): 5})
    # The region's evidence for the national index (issue 18).
    factories.region_claim(w["cycle"], factories.indicator(aspect="region"), 1, w["users"]["admin"])
    # The team of a proposal, for the national competitions (issue 19).
    db.session.add(TeamMember(proposal=w["submitted"], position=1, name="Budi Santoso", role="Ketua tim"))
    # An event's close report with an idea (issue 20); the world's plan has its milestone already.
    report = EventReport(event_id=w["event"].id, minutes="Notulen.", public_summary="Ringkasan.")
    report.ideas = [EventIdea(position=1, title="Ide antrean")]
    db.session.add(report)
    db.session.commit()


# A text of `length` characters that the column's other checks accept: a video link is a web address.
FILLERS = {"Proposal.video_url": lambda length: "https://youtu.be/" + "x" * (length - len("https://youtu.be/"))}


def _text_of_length(name: str, length: int) -> str:
    return FILLERS.get(name, lambda n: "x" * n)(length)


@pytest.mark.parametrize("name", sorted(f"{model.__name__}.{column.key}" for model, column in typed_columns()))
def test_the_database_refuses_a_text_over_its_limit_straight_through_the_orm(app_ctx, name):
    w = world()
    _one_row_of_each(w)
    model, column = next((m, c) for m, c in typed_columns() if f"{m.__name__}.{c.key}" == name)
    limit = column.info[MAX_LENGTH]
    row = db.session.scalars(select(model).limit(1)).one()
    setattr(row, column.key, _text_of_length(name, limit))  # exactly the limit is fine
    db.session.flush()
    setattr(row, column.key, _text_of_length(name, limit + 1))
    # A TEXT column's check answers on both engines; PostgreSQL's VARCHAR refuses first on its own.
    expected = DataError if is_postgres() and isinstance(column.type, String) and not isinstance(column.type, Text) \
        else IntegrityError
    with pytest.raises(expected):
        db.session.flush()
    db.session.rollback()


def test_a_too_long_summary_through_the_form_is_refused_beside_the_field_and_nothing_saved(client, make):
    w = world()
    login(client, w["users"]["innovator_a"])
    response = client.post("/proposals/new", data={"title": "Antrean daring puskesmas", "lab_stage": "drum_up",
                                                   "summary": "a" * 4001})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ('<p class="error-message" id="summary-error"><span class="visually-hidden">Kesalahan:</span> '
            "Paling banyak 4.000 karakter; isian ini 4.001 karakter.</p>") in html
    assert db.session.scalar(select(func.count()).where(Proposal.title == "Antrean daring puskesmas")) == 0


def test_a_too_long_design_on_edit_changes_nothing(client, make):
    w = world()
    draft = w["draft"]
    before = (draft.design, draft.version)
    login(client, w["users"]["innovator_a"])
    response = client.post(f"/proposals/{draft.id}/edit", data={
        "title": draft.title, "lab_stage": "drum_up", "version": str(draft.version), "design": "kata " * 6001})
    assert response.status_code == 422
    assert "Paling banyak 30.000 karakter; isian ini 30.005 karakter." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(Proposal, draft.id).design, db.session.get(Proposal, draft.id).version) == before


def test_a_too_long_comment_by_htmx_is_sent_back_with_its_message(client, make):
    w = world()
    login(client, w["users"]["innovator_b"])
    response = client.post(f"/proposals/{w['submitted'].id}/comments", data={"body": "b" * 5001},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Paling banyak 5.000 karakter; isian ini 5.001 karakter." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_the_form_says_the_limit_under_the_label(app, client, make):
    w = world()
    login(client, w["users"]["innovator_a"])
    html = client.get("/proposals/new").get_data(as_text=True)
    assert "Paling banyak 200 kata: apa inovasinya, untuk siapa, apa bedanya. Paling banyak 4.000 karakter." in html
    assert '<p class="hint" id="design-hint">Paling sedikit 300 kata: cara kerja inovasi, tahapan, pelaku, ' \
           'sumber daya. Paling banyak 30.000 karakter.</p>' in html
    assert '<p class="hint" id="title-hint">Paling banyak 200 karakter.</p>' in html
    assert "maxlength" not in html  # a browser would cut a pasted text short without a word
    client.post("/language", data={"lang": "en", "next": "/"})
    assert "At most 30,000 characters." in client.get("/proposals/new").get_data(as_text=True)


def test_every_text_field_of_every_form_has_a_limit(app):
    from wtforms import HiddenField, PasswordField, StringField, TextAreaField

    from app.web.inputs import LocaleDecimalField, TextLimit
    from tests.test_input_numbers import _flat, all_form_classes

    missing = []
    with app.test_request_context():
        for form_class in all_form_classes():
            if form_class.__module__ == "app.auth.forms":
                continue  # the login and password forms belong to the login's own rules
            for field in _flat(form_class(meta={"csrf": False})):
                if (isinstance(field, (StringField, TextAreaField))
                        # a number limits its own length (30 characters) and range
                        and not isinstance(field, (HiddenField, PasswordField, LocaleDecimalField))
                        and not any(isinstance(v, TextLimit) for v in field.validators)):
                    missing.append(f"{form_class.__name__}.{field.name}")
    assert missing == []


def test_the_command_line_cannot_store_a_longer_name(app, app_ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "panjang@example.com", "--name", "N" * 121, "--role", "reviewer",
                                 "--password", "a-long-password"])
    assert result.exit_code != 0
    assert "Nama lebih dari 120 karakter." in result.output
    assert db.session.scalar(select(User).where(User.email == "panjang@example.com")) is None


def test_the_agency_import_names_the_line_of_a_too_long_name(app, app_ctx, tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text("code,name,kind,parent_code\nDISKOMINFO,Dinas Komunikasi,opd,\nBAPPEDA," + "B" * 201 + ",opd,\n")
    result = app.test_cli_runner().invoke(args=["import-agencies", str(path)])
    assert result.exit_code != 0
    assert "Baris 3: Nama lebih dari 200 karakter." in result.output
    assert db.session.scalar(select(func.count()).select_from(Agency)) == 0
