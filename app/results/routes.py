"""Result indicators and yearly reports: `/proposals/<id>/indicators`, `/proposals/<id>/reports`."""
from app.results import bp  # noqa: F401
