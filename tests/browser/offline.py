"""Pages must fetch nothing from another host: no CDN font, script or stylesheet."""


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
