"""The shape of the code (issue 15): features meet through app.core.signals and shared modules,
never through each other's routes or in an import circle; migrations stand on their own;
a template filter or global has one owner."""
import ast
from collections import defaultdict
from pathlib import Path

from flask import Flask

from app import create_app

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
# The layers under the features (app/core, app/web) and the demo data over them are not features.
LAYERS = ("core", "web")
FEATURES = sorted(path.parent.name for path in APP.glob("*/__init__.py") if path.parent.name not in (*LAYERS, "demo"))


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function: `from app import x`
    counts as importing `app.x` too, since x may be a module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the file's own package
                package = path.relative_to(ROOT).with_suffix("").parts[:-node.level]
                base = ".".join(package + ((node.module,) if node.module else ()))
            else:
                base = node.module
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "app" and parts[1] in FEATURES else None


def feature_modules():
    """(feature, module name, the modules it imports) for every file inside a feature package."""
    for feature in FEATURES:
        for path in sorted((APP / feature).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield feature, name, imported_modules(path)


def test_the_walk_sees_the_features_and_their_imports():
    assert {"proposals", "reviews", "main", "auth", "notifications"} <= set(FEATURES)
    modules = {name: imports for _, name, imports in feature_modules()}
    assert "app.proposals.status" in modules["app.reviews.services"]


def test_no_feature_imports_another_features_routes():
    offenders = sorted(
        f"{name} imports {target}"
        for feature, name, imports in feature_modules()
        for target in imports
        if feature_of(target) not in (None, feature) and target.split(".")[2:3] == ["routes"]
    )
    assert offenders == []


def test_feature_packages_import_each_other_one_way_only():
    """No circle between feature packages, counting imports inside functions too (a lazy
    import hides a circle from Python, not from the design)."""
    edges: dict[str, set[str]] = defaultdict(set)
    why: dict[tuple[str, str], str] = {}
    for feature, name, imports in feature_modules():
        for target in imports:
            other = feature_of(target)
            if other not in (None, feature):
                edges[feature].add(other)
                why.setdefault((feature, other), f"{name} imports {target}")

    def path_back(start, node, seen):
        for nxt in sorted(edges[node]):
            if nxt == start:
                return [node, nxt]
            if nxt not in seen:
                seen.add(nxt)
                rest = path_back(start, nxt, seen)
                if rest:
                    return [node] + rest
        return None

    circles = []
    for feature in FEATURES:
        circle = path_back(feature, feature, {feature})
        if circle:
            circles.append(" -> ".join(circle) + ": " + "; ".join(why[pair] for pair in zip(circle, circle[1:])))
    assert circles == []


def test_the_layers_stand_under_every_feature():
    """app/core knows no request and no feature; app/web serves every feature and knows
    none of them but auth, which alone says whether a session is someone's. A layer that
    imported a feature would tie every feature to it."""
    allowed = {"core": ("app.core", "app.models"), "web": ("app.core", "app.models", "app.web", "app.auth")}
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {target}"
        for layer, packages in allowed.items()
        for path in (APP / layer).rglob("*.py")
        for target in imported_modules(path)
        if target.startswith("app.") and not any(target == p or target.startswith(p + ".") for p in packages)
    )
    assert offenders == []


def test_no_migration_imports_the_app():
    """A migration builds the schema as it was when it was written: it carries its own DDL
    and types, so a later change to the app's code cannot change what it does."""
    offenders = sorted(
        f"{path.name} imports {module}"
        for path in (ROOT / "migrations" / "versions").glob("*.py")
        for module in imported_modules(path)
        if module == "app" or module.startswith("app.")
    )
    assert offenders == []


class Recording(dict):
    """A jinja_env.filters or .globals that notes who sets each name once the app is built
    (a blueprint's app_template_filter writes into the dict directly)."""

    def __init__(self, initial, kind, added):
        super().__init__(initial)
        self.kind, self.added = kind, added

    def __setitem__(self, name, value):
        self.added[self.kind, name].append(f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', value)}")
        super().__setitem__(name, value)

    def update(self, *args, **kwargs):
        for name, value in dict(*args, **kwargs).items():
            self[name] = value


def test_no_template_filter_or_global_is_registered_twice(monkeypatch):
    """Flask lets a second filter of a name silently replace the first (two blueprints once
    both had a "score" filter, and the one registered last won): each name has one owner."""
    added = defaultdict(list)
    original = Flask.create_jinja_environment

    def recording_environment(self):
        env = original(self)
        env.filters = Recording(env.filters, "filter", added)
        env.globals = Recording(env.globals, "global", added)
        env.tests = Recording(env.tests, "test", added)
        return env

    monkeypatch.setattr(Flask, "create_jinja_environment", recording_environment)
    application = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert ("filter", "score") in added and ("global", "shown_agency") in added
    # Apusida's own registrations: app.core.i18n replaces the gettext callables that Flask-Babel's
    # Jinja extension installs on purpose, and says so there.
    ours = {key: [owner for owner in owners if owner.startswith("app.")] for key, owners in added.items()}
    twice = {key: owners for key, owners in ours.items() if len(owners) > 1}
    assert twice == {}
    with application.test_request_context():
        assert application.jinja_env.filters["score"](None) == "–"
