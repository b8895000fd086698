"""Maturity: indicator sets, indicators, per-cycle levels and claims in any state."""
import io
import itertools
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.core.extensions import db
from app.maturity import services as maturity_services
from app.models import Claim, IndicatorLevel, IndicatorSet, RegionClaim, SetLevel
from app.models import Indicator as IndicatorModel
from app.models._types import utcnow
from app.proposals import storage
from tests.factories import proposals
from tests.factories.core import user
from tests.factories.proposals import PDF_BYTES

_counter = itertools.count(1)


SHIPPED_YEAR = 2023  # the year of the shipped sets: a factory's indicator joins the same set


def indicator_set(year: int = SHIPPED_YEAR, aspect: str = "innovation", weight: str | None = None) -> IndicatorSet:
    """The set of that year and aspect, created when missing (the 2023 guide's weights by default)."""
    found = db.session.scalar(select(IndicatorSet).where(IndicatorSet.year == year, IndicatorSet.aspect == aspect))
    if found is None:
        found = IndicatorSet(year=year, aspect=aspect,
                             weight=Decimal(weight or ("0.748" if aspect == "innovation" else "0.252")))
        db.session.add(found)
        db.session.flush()
    return found


def indicator(name: str | None = None, order: int | None = None, set_points=(1, 2, 3), **fields) -> IndicatorModel:
    """An indicator of a set (the 2023 innovation set unless `set` is given) with its set levels."""
    n = next(_counter)
    chosen = fields.pop("set", None) or indicator_set(aspect=fields.pop("aspect", "innovation"))
    obj = IndicatorModel(code=fields.pop("code", f"ind{n}"), name=name or f"Indikator Uji {n}",
                         evidence=fields.pop("evidence", "Dokumen penetapan."), order=order if order is not None else n,
                         set=chosen, **fields)
    obj.set_levels = [SetLevel(level=number, description=f"Level {number} indikator {n}", points=value)
                      for number, value in enumerate(set_points, start=1)]
    db.session.add(obj)
    db.session.flush()
    return obj


def levels(cycle, indicator_, points=(1, 2, 3)) -> list[IndicatorLevel]:
    rows = [IndicatorLevel(cycle_id=cycle.id, indicator_id=indicator_.id, level=number,
                           description=f"Uraian level {number}", points=value)
            for number, value in enumerate(points, start=1)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def claim(proposal, indicator_, level: int, status: str = "pending", verified_level: int | None = None,
          verified_points: int | None = None, public: bool = False, attachment=None, note: str = "",
          reason: str = "", verifier=None) -> Claim:
    attachment = attachment or proposals.attachment(proposal)
    obj = Claim(proposal_id=proposal.id, indicator_id=indicator_.id, claimed_level=level, note=note,
                attachment_id=attachment.id, claimant_id=proposal.author_id, status=status,
                verified_level=verified_level, verified_points=verified_points, public=public, reason=reason,
                verifier_id=verifier.id if verifier else None, verified_at=utcnow() if status != "pending" else None)
    db.session.add(obj)
    db.session.flush()
    return obj


def region_claim(cycle, indicator_, level: int, claimant, status: str = "pending", verified_level: int | None = None,
                 verified_points: int | None = None, verifier=None, note: str = "",
                 name: str = "bukti-daerah.pdf") -> RegionClaim:
    n = next(_counter)
    stored_name = f"region{n:026d}.pdf"
    Path(storage.upload_path(stored_name)).parent.mkdir(parents=True, exist_ok=True)
    Path(storage.upload_path(stored_name)).write_bytes(PDF_BYTES)  # the file a download sends
    obj = RegionClaim(cycle_id=cycle.id, indicator_id=indicator_.id, claimed_level=level, note=note,
                      original_name=name, stored_name=stored_name, content_type="application/pdf",
                      size=len(PDF_BYTES), sha256="0" * 64, claimant_id=claimant.id, status=status,
                      verified_level=verified_level, verified_points=verified_points,
                      verifier_id=verifier.id if verifier else None,
                      verified_at=utcnow() if status != "pending" else None)
    db.session.add(obj)
    db.session.flush()
    return obj


def upload_routes(client, cycle) -> dict:
    """The two routes that store evidence files, for one implemented proposal of a new innovator:
    {"proposal": upload(data, name), "maturity": upload(data, name), "innovator": user}.
    The national indicators must be loaded for the cycle."""
    innovator = user("innovator")
    proposal = proposals.proposal_in("implemented", agency_=innovator.agency, author=innovator, cycle_=cycle)
    db.session.commit()
    indicator_ = maturity_services.scale_for(cycle).indicators[0]

    def proposal_upload(data=PDF_BYTES, name="bukti.pdf"):
        return client.post(f"/proposals/{proposal.id}/attachments", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")

    def maturity_upload(data=PDF_BYTES, name="bukti.pdf"):
        return client.post(f"/proposals/{proposal.id}/maturity/{indicator_.id}/claim", data={
            f"c{indicator_.id}-level": "2", f"c{indicator_.id}-file": (io.BytesIO(data), name)},
            content_type="multipart/form-data")

    return {"proposal": proposal_upload, "maturity": maturity_upload, "innovator": innovator}
