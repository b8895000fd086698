"""One rule, one place: status groups are named in app/models and imported everywhere else.

A tuple, list or set of two or more statuses written out anywhere else in app/ (Python or a
template) is a rule written twice, and fails here. Mappings are not groups: the status
machine's edges (from, to) and the demo's paths through it are keys and values of a dict."""
import ast
import re
from pathlib import Path

from app.models import CLAIM_STATUSES, REGISTRATION_STATUSES, STATUSES

APP = Path(__file__).resolve().parent.parent / "app"
ALL_STATUSES = set(STATUSES) | set(REGISTRATION_STATUSES) | set(CLAIM_STATUSES)
QUOTED = r"""["'](?:%s)["']""" % "|".join(sorted(ALL_STATUSES))
# `in ("approved", "implemented")` or `in ['registered', 'attended']` in a template.
TEMPLATE_GROUP = re.compile(r"\bin\s*[(\[]\s*%s\s*,\s*%s" % (QUOTED, QUOTED))


def literal_groups(source: str):
    """Line numbers of literal status groups in Python source (not inside a dict)."""
    tree = ast.parse(source)
    in_dicts = {id(node) for d in ast.walk(tree) if isinstance(d, ast.Dict) for node in d.keys + d.values}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and id(node) not in in_dicts:
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(values) >= 2 and len(values) == len(node.elts) and set(values) <= ALL_STATUSES:
                yield node.lineno


def test_no_status_group_is_written_out_outside_the_models():
    found = []
    for path in sorted(APP.rglob("*.py")):
        if APP / "models" in path.parents:
            continue
        found += [f"{path.relative_to(APP)}:{line}" for line in literal_groups(path.read_text())]
    for path in sorted((APP / "templates").rglob("*.html")):
        for number, text in enumerate(path.read_text().splitlines(), start=1):
            if TEMPLATE_GROUP.search(text):
                found.append(f"{path.relative_to(APP)}:{number}")
    assert found == [], "status groups written out; name them in app/models and import them"


def test_the_check_finds_groups_in_code_and_templates():
    # Guards the guard: the shapes the rule is about are found, mappings are not.
    assert list(literal_groups('ok = s in ("approved", "implemented")\n')) == [1]
    assert list(literal_groups('q.where(P.status.in_(["submitted", "in_review"]))\n')) == [1]
    assert list(literal_groups('EDGES = {("draft", "submitted"): "member"}\n')) == []
    assert list(literal_groups('x = ("approved", "other")\n')) == []
    assert TEMPLATE_GROUP.search("{% if status in ('registered', 'attended') %}")
    assert not TEMPLATE_GROUP.search("{% if status in ACTIVE_REGISTRATION_STATUSES %}")


def test_templates_read_the_groups_of_the_models(app):
    from app.models import APPROVED_STATUSES

    with app.test_request_context("/"):
        html = app.jinja_env.from_string(
            "{{ 'implemented' in APPROVED_STATUSES }} {{ 'rejected' in APPROVED_STATUSES }}").render()
    assert html == "True False" and app.jinja_env.globals["APPROVED_STATUSES"] is APPROVED_STATUSES
