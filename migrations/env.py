"""Alembic environment for Flask-Migrate: runs against the app's engine."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

config = context.config
fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

database = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", database.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (`flask db upgrade --sql`)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=database.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def render_item(type_, obj, autogen_context):
    """Autogenerate writes an app column type (app.models._types.UTCDateTime) as the plain
    SQLAlchemy type it stands for, so a new migration imports nothing of the app
    (tests/test_feature_boundaries.py): the app's code may change, a migration may not."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def moves_to_a_revision() -> bool:
    """upgrade, downgrade and stamp name a destination; current, history and autogenerate do not."""
    try:
        return context.get_revision_argument() is not None
    except KeyError:  # Alembic keeps the destination in the context options only for those commands
        return False


def run_migrations_online() -> None:
    def skip_empty_revision(context_, revision, directives):
        # `flask db migrate` with no model change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    options = dict(current_app.extensions["migrate"].configure_args)
    # Full-text search objects are created by hand-written DDL, not autogenerate.
    from app.proposals.search import include_name

    options.setdefault("include_name", include_name)
    options.setdefault("process_revision_directives", skip_empty_revision)
    options.setdefault("render_item", render_item)
    # The app never creates a SQLite file by connecting (app.core.database): the
    # commands that bring a schema to a revision make it.
    if moves_to_a_revision():
        from app.core.database import create_sqlite_file

        if create_sqlite_file(database.engine.url):
            logger.info("Created the SQLite database file.")
    with database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite changes a table's constraints by copying it into a new one and dropping the
            # old (Alembic's batch mode); with foreign keys on, dropping a table that other rows
            # point at fails. They are off while migrating (the pragma is ignored inside a
            # transaction, so it is set before one begins) and checked once done.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(connection=connection, target_metadata=database.metadata, **options)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} rows pointing at missing rows: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
