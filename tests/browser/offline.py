"""Pages must fetch nothing from another host (no CDN font, script or stylesheet), and nothing
in them may need the Content Security Policy relaxed (no inline script or style attribute)."""


def refuse_other_hosts(context, origin):
    """Let a browser context fetch only from `origin`; return the list of refused URLs."""
    refused = []

    def guard(route):
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return refused


def record_csp_violations(context):
    """Collect what the browser refused under the site's Content Security Policy (Chromium
    reports each refusal on the console); return the list of messages."""
    violations = []

    def listen(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", listen)
    return violations
