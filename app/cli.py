"""Command line: `flask --app wsgi <command>` (DESIGN §5)."""
import shutil
import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.admin import services as admin_services
from app.auth.services import WeakPassword
from app.extensions import db
from app.models import ROLES, Agency


def register(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(import_agencies)
    app.cli.add_command(demo_data)
    app.cli.add_command(backup)


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", type=click.Choice(ROLES), default="innovator", show_default=True)
@click.option("--agency", "agency_code", help="Agency code, e.g. DISKOMINFO (required for innovators).")
@click.option("--password", help="Password; asked for when omitted.")
def create_user(email, name, role, agency_code, password):
    """Create a user account."""
    agency = None
    if agency_code:
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code.upper()))
        if agency is None:
            raise click.ClickException(f"No agency with code {agency_code}.")
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = admin_services.create_user(email, name, role, agency, password)
    except admin_services.ServiceError as error:
        raise click.ClickException(str(error)) from error
    except WeakPassword as error:  # the same policy as every other new password
        raise click.ClickException("The password is refused: " + " ".join(error.problems)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@click.command("import-agencies")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_agencies(csv_file):
    """Create or update agencies from a CSV (code,name,kind,parent_code); all or nothing."""
    try:
        result = admin_services.import_agencies(csv_file.read())
    except admin_services.ImportError_ as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException("Nothing was imported.") from error
    db.session.commit()
    click.echo(f"Imported agencies: {result.created} new, {result.updated} updated.")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users yet.")
@click.option("--proposals", type=click.IntRange(min=0), default=0,
              help="Also add this many generated proposals (large data for load tests).")
@click.option("--votes", type=click.IntRange(min=0), default=0, help="Also add this many votes by extra voters.")
@click.option("--seed", type=int, default=None, help="Random seed of the generated data.")
def demo_data(if_empty, proposals, votes, seed):
    """Load the city's agencies, demo users and a current cycle (safe to run twice);
    with --proposals/--votes, add a large generated data set on top."""
    import time

    from app import demo

    large = bool(proposals or votes)
    # On top of existing data the base set is not loaded again: its votes demo
    # walks every proposal for every user, which the large set makes huge.
    logins = demo.load(if_empty=if_empty or large)
    db.session.commit()
    if large:
        from app.demo_large import BULK_PASSWORD, load_large

        started = time.monotonic()
        click.echo(f"Adding {proposals} proposals and {votes} votes ...")
        try:
            result = load_large(proposals, votes, seed=seed, echo=click.echo)
        except ValueError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Large data added in {time.monotonic() - started:.0f} s "
                   f"(generated accounts' password: {BULK_PASSWORD}).")
    click.echo("Demo logins (email / password):")
    for role, email, password in logins:
        click.echo(f"  {role:<10} {email:<32} {password}")


@click.command("backup")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def backup(path: Path):
    """Copy the SQLite database (consistently, via SQLite's backup API) and the uploads into PATH."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException("backup copies a SQLite database; for PostgreSQL use pg_dump.")
    if path.exists() and any(path.iterdir()):
        raise click.ClickException(f"{path} is not empty; choose a new folder.")
    path.mkdir(parents=True, exist_ok=True)
    target = path / "apusida.db"
    source = sqlite3.connect(url.database)
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        destination.close()
    finally:
        source.close()
    uploads = Path(current_app.config["UPLOAD_DIR"])
    if uploads.exists():
        shutil.copytree(uploads, path / "uploads")
    else:
        (path / "uploads").mkdir()
    click.echo(f"Backup written to {path}.")
