"""Request plumbing shared by the blueprints: htmx answers, security headers, errors,
input parsing, paging, template helpers, absolute URLs, the page cache and file exports."""
