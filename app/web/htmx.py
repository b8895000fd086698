"""One URL, two renders: a whole page, or just the block HTMX asked for."""
import json

from flask import current_app, render_template, request


def is_htmx() -> bool:
    # History restoration wants the whole page back, not a fragment.
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def render_block(template_name: str, block_name: str, **context) -> str:
    """Render one named block of a template with the normal template context.

    A block rendered alone does not see the template's top-level imports:
    blocks meant for HTMX import their macros inside the block.
    """
    app = current_app._get_current_object()
    template = app.jinja_env.get_or_select_template(template_name)
    app.update_template_context(context)
    block = template.blocks[block_name]
    return "".join(block(template.new_context(context)))


def render_page_or_block(template_name: str, block_name: str, **context) -> str:
    """The whole page normally; only `block_name` for an HTMX request."""
    if is_htmx():
        return render_block(template_name, block_name, **context)
    return render_template(template_name, **context)


def announced(html: str, message: str, status: int = 200, **events):
    """An HTMX answer whose message the layout reads out in its live region.

    The message travels in HX-Trigger as an "announce" event (ASCII-safe JSON, so a
    header never carries raw non-ASCII); `events` adds more events by name, with
    underscores written as dashes (queue_changed=True fires "queue-changed")."""
    triggers = {"announce": message}
    triggers.update({name.replace("_", "-"): value for name, value in events.items() if value})
    return html, status, {"HX-Trigger": json.dumps(triggers)}
