"""Small builders for the OpenAPI document: schemas, parameters, responses and
operations, shared by every part of the API's description."""

from __future__ import annotations

from study.api.payloads import MAX_ID
from study.services.accounts import NAME_PATTERN

# The API refuses NUL characters (PostgreSQL cannot store them).
NO_NUL = "^[^\\u0000]*$"
NOT_BLANK = NAME_PATTERN


COUNT = {"type": "integer", "minimum": 0}
SHARE = {"type": "number", "minimum": 0, "maximum": 1}


def ref(name: str) -> dict:
    """Point at a schema under components."""
    return {"$ref": f"#/components/schemas/{name}"}


def text(**extra) -> dict:
    """Return a string schema (without NUL characters)."""
    return {"type": "string", "pattern": NO_NUL, **extra}


def nullable(schema: dict) -> dict:
    """Allow null as well."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(required: list[str], **properties) -> dict:
    """Return an object schema with these properties, the named ones required."""
    return {"type": "object", "required": required, "properties": properties}


def all_required(**properties) -> dict:
    """Return an object schema with these properties, every one required."""
    return obj(list(properties), **properties)


def closed(schema: dict) -> dict:
    """Refuse properties the schema does not name (as the handlers do)."""
    return {**schema, "additionalProperties": False}


def json_content(schema: dict) -> dict:
    """Wrap a schema as application/json content."""
    return {"application/json": {"schema": schema}}


def ok(description: str, schema: dict, status: str = "200", **links) -> dict:
    """Return a success response with a JSON body (and links to what may follow)."""
    response = {"description": description, "content": json_content(schema)}
    if links:
        response["links"] = links
    return {status: response}


def link(operation_id: str, **values) -> dict:
    """Return a link: parameters from this response feed the next operation."""
    body = values.pop("body", None)
    found = {"operationId": operation_id}
    if values:
        found["parameters"] = values
    if body is not None:
        found["requestBody"] = body
    return found


ERRORS = {
    "400": "Bad input (or a missing CSRF token with a session cookie)",
    "401": "No valid API token or session",
    "404": "Not found",
    "409": "Conflicts with the current state",
}


def errors(*codes: str) -> dict:
    """Return the error responses an operation can give (any can be a 400: a
    NUL character in the path or query is refused everywhere; and a 414 from
    gunicorn when the request line is too long)."""
    return {
        **{
            code: {"$ref": f"#/components/responses/Error{code}"}
            for code in sorted({"400", "401", *codes})
        },
        "414": {"$ref": "#/components/responses/UriTooLong"},
    }


def body(schema: dict) -> dict:
    """Return a required JSON request body."""
    return {"required": True, "content": json_content(schema)}


def path_id(name: str) -> dict:
    """Return an integer path parameter."""
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def query(name: str, schema: dict, description: str) -> dict:
    """Return an optional query parameter."""
    return {"name": name, "in": "query", "schema": schema, "description": description}


def operation(operation_id: str, summary: str, responses: dict, **extra) -> dict:
    """Return an operation; its id is the handler's name."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "responses": responses,
        **extra,
    }


# Links follow a new resource by the id its response carries.
CREATED_ID = "$response.body#/id"
