"""The OpenAPI schema's shared parts: every operation may answer with the one error shape."""

ERROR = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message", "fields"],
}
ERROR_STATUSES = {
    "400": "Invalid input",
    "401": "No valid token, or not signed in",
    "403": "Not allowed (a read-only token on a write, say)",
    "404": "Not found, or not yours",
    "405": "Method not allowed",
    "406": "Not acceptable",
    "415": "Unsupported media type",
    "429": "Too many requests; see Retry-After",
}
# Only an operation that reads a body can send one too large.
BODY_ERROR_STATUSES = {"413": "Request body too large"}
BODY_METHODS = {"post", "put", "patch"}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            statuses = dict(ERROR_STATUSES)
            if method in BODY_METHODS:
                statuses.update(BODY_ERROR_STATUSES)
            for code, description in statuses.items():
                responses.setdefault(code, {"description": description, "content": reference})
    return result


def country_choices():
    """One enum of country codes in the schema, however many fields use it."""
    from django_countries import countries

    return [(code, name) for code, name in countries]
