"""The REST API's shared machinery: authentication by token, permissions, throttles, pages,
errors and routing. Each app's endpoints live in its own ``api.py`` (see docs/architecture.md,
"The REST API")."""
