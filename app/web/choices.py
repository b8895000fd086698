"""Choices that several forms offer, built one way: the agency pick list.

A city has some ninety agencies; one flat list of them is hard to use. The list is
grouped by kind (<optgroup>: OPD, kecamatan, kelurahan) and its select is marked
`data-filter`, so app/static/js/apusida.js puts a search box above it; without
JavaScript the grouped select works alone.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from wtforms.fields.choices import SelectChoice

from app.core.extensions import db
from app.core.labels import label
from app.models import AGENCY_KINDS, Agency

# The attributes the script looks for: the search box's label and what it announces
# (a field's render_kw=AGENCY_FILTER; lazy texts, translated when the page is rendered).
AGENCY_FILTER = {
    "data-filter": _l("Ketik untuk menyaring daftar, misalnya nama kelurahan atau kodenya"),
    "data-filter-count": _l("{n} perangkat daerah cocok"),
}


def agency_choices(blank: str | None = None, *, value: str = "id", include_id: int | None = None) -> list[SelectChoice]:
    """Active agencies, OPD first, then kecamatan, then kelurahan, each group by name, as
    SelectChoice rows in <optgroup>s; `blank` (value 0, or "" for codes) first, outside
    the groups. `value` is "id" or "code". `include_id` keeps an inactive agency that a
    record being edited still names."""
    order = case({kind: position for position, kind in enumerate(AGENCY_KINDS)}, value=Agency.kind)
    stmt = select(Agency.id, Agency.code, Agency.name, Agency.kind).order_by(order, Agency.name)
    if include_id:
        stmt = stmt.where((Agency.active.is_(True)) | (Agency.id == include_id))
    else:
        stmt = stmt.where(Agency.active.is_(True))
    rows = db.session.execute(stmt).all()
    choices = [] if blank is None else [SelectChoice(0 if value == "id" else "", blank)]
    choices += [SelectChoice(row.id if value == "id" else row.code, f"{row.name} ({row.code})",
                             optgroup=str(label("agency_kind", row.kind))) for row in rows]
    return choices
