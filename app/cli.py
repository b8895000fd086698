"""Command line: `flask --app wsgi <command>` (DESIGN §5)."""
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

import click
from flask import Flask, current_app
from sqlalchemy import inspect, literal, select

from app.admin import services as admin_services
from app.auth.services import WeakPassword
from app.core.database import (
    UPGRADE_COMMAND,
    database_revisions,
    migration_heads,
    sqlite_file,
)
from app.core.extensions import db
from app.models import ROLES, Agency
from app.notifications.cli import send_reminders
from app.proposals import storage


def register(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(import_agencies)
    app.cli.add_command(demo_data)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(cleanup_uploads)
    app.cli.add_command(send_reminders)


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
@click.argument("csv_file", type=click.File("rb"))
def import_agencies(csv_file):
    """Create or update agencies from a UTF-8 CSV (code,name,kind,parent_code); all or nothing."""
    try:
        result = admin_services.import_agencies(csv_file.read())
    except admin_services.ImportError_ as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException("Nothing was imported.") from error
    db.session.commit()
    click.echo(f"Imported agencies: {result.created} new, {result.updated} updated, {result.unchanged} unchanged.")


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
        from app.demo.large import BULK_PASSWORD, load_large

        started = time.monotonic()
        click.echo(f"Adding {proposals} proposals and {votes} votes ...")
        try:
            load_large(proposals, votes, seed=seed, echo=click.echo)
        except ValueError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Large data added in {time.monotonic() - started:.0f} s "
                   f"(generated accounts' password: {BULK_PASSWORD}).")
    click.echo("Demo logins (email / password):")
    width = max((len(email) for _role, email, _password in logins), default=0)
    for role, email, password in logins:
        click.echo(f"  {role:<10} {email:<{width}}  {password}")


# What a backup folder holds (`backup` writes it, `restore` reads it).
BACKUP_DATABASE = "apusida.db"
BACKUP_UPLOADS = "uploads"


@click.command("backup")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def backup(path: Path):
    """Copy the SQLite database (consistently, via SQLite's backup API) and the uploads into PATH."""
    database = sqlite_file(db.engine.url)
    if database is None:
        raise click.ClickException("backup copies a SQLite database; for PostgreSQL use pg_dump.")
    if not Path(database).is_file():
        raise click.ClickException(f"There is no database at {database} to back up.")
    if path.exists() and any(path.iterdir()):
        raise click.ClickException(f"{path} is not empty; choose a new folder.")
    path.mkdir(parents=True, exist_ok=True)
    target = path / BACKUP_DATABASE
    source = _open_read_only(Path(database))
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        destination.close()
    finally:
        source.close()
    uploads = Path(current_app.config["UPLOAD_DIR"])
    if uploads.exists():
        shutil.copytree(uploads, path / BACKUP_UPLOADS)
    else:
        (path / BACKUP_UPLOADS).mkdir()
    click.echo(f"Backup written to {path}.")


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A SQLite file opened for reading only (never created)."""
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)


def _tables_with_rows() -> list[str]:
    """The app's tables that hold at least one row in the configured database."""
    existing = set(inspect(db.engine).get_table_names())
    with db.engine.connect() as connection:
        return [table.name for table in db.metadata.sorted_tables if table.name in existing
                and connection.execute(select(literal(1)).select_from(table).limit(1)).first() is not None]


def _replace_folder_contents(source: Path, target: Path) -> int:
    """Make `target` hold exactly what `source` holds; returns the number of files.
    The copy is made beside it first, so a failed copy leaves `target` as it was."""
    staging = target.with_name(target.name + ".restoring")
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(source, staging)
    target.mkdir(parents=True, exist_ok=True)
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in staging.iterdir():
        shutil.move(child, target / child.name)
    staging.rmdir()
    return sum(1 for item in target.rglob("*") if item.is_file())


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore(path: Path, force: bool):
    """Bring back a folder written by `backup`: the SQLite database and the uploads.

    Stop the app servers first. Refuses to replace a database that holds data unless --force."""
    database = sqlite_file(db.engine.url)
    if database is None:
        raise click.ClickException(
            "restore brings back a SQLite backup written by `backup`. For PostgreSQL, restore the pg_dump "
            "file with pg_restore --clean (see README, Production deployment) and copy the uploads folder back.")
    backup_database, backup_uploads = path / BACKUP_DATABASE, path / BACKUP_UPLOADS
    if not backup_database.is_file() or not backup_uploads.is_dir():
        raise click.ClickException(
            f"{path} is not a backup folder: it must hold {BACKUP_DATABASE} and {BACKUP_UPLOADS}/, as `backup` writes them.")
    source = _open_read_only(backup_database)
    try:
        try:
            checked = source.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise click.ClickException(f"{backup_database} is not a readable SQLite database: {error}.") from error
        if checked != "ok":
            raise click.ClickException(f"{backup_database} is damaged ({checked}); nothing was restored.")
        target = Path(database)
        filled = _tables_with_rows() if target.exists() else []
        if filled and not force:
            raise click.ClickException(
                f"The database {target} already holds data (rows in {', '.join(filled[:5])}"
                f"{', ...' if len(filled) > 5 else ''}). Restoring replaces all of it with the backup; "
                "run again with --force to do that.")
        db.session.remove()
        db.engine.dispose()  # no pooled connection keeps the old file open
        destination = sqlite3.connect(target)  # restoring may create the file: it brings a whole database
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    files = _replace_folder_contents(backup_uploads, Path(current_app.config["UPLOAD_DIR"]))
    click.echo(f"Restored {target} and {files} uploaded file(s) from {path}.")
    with db.engine.connect() as connection:
        revisions = database_revisions(connection)
    if revisions != migration_heads():
        click.echo(f"The backup's schema is at {', '.join(revisions) or 'no revision'}; "
                   f"run `{UPGRADE_COMMAND}` to bring it to this version.")
@click.command("cleanup-uploads")
@click.option("--delete-unreferenced", is_flag=True, help="Also delete stored files that no attachment names.")
def cleanup_uploads(delete_unreferenced):
    """Delete unfinished uploads older than an hour; list the stored files no attachment names
    (and delete them with --delete-unreferenced)."""
    stale = storage.stale_temporary_files()
    for path in stale:
        path.unlink(missing_ok=True)
    click.echo(f"Deleted {len(stale)} unfinished upload(s) older than an hour.")
    unreferenced = storage.unreferenced_files()
    for path in unreferenced:
        if delete_unreferenced:
            path.unlink(missing_ok=True)
        click.echo(f"  {'deleted' if delete_unreferenced else 'not named by any attachment'}: {path.name}")
    if not unreferenced:
        click.echo("Every stored file belongs to an attachment.")
    elif delete_unreferenced:
        click.echo(f"Deleted {len(unreferenced)} file(s) that no attachment names.")
    else:
        click.echo(f"{len(unreferenced)} file(s) that no attachment names; "
                   "run again with --delete-unreferenced to delete them.")
