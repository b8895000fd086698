"""What people send, held to one rule for each kind.

- A form sent back with errors answers 422 (`form_status`), the messages
  beside their fields.
"""


def form_status(form) -> int:
    """The status of a form page: 422 when the form came back with errors to fix, else 200."""
    return 422 if form.errors else 200
