"""The OpenAPI schema validates with no warning; the documentation page is served from the
portal's own files, under the portal's Content-Security-Policy."""

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in [
        "/api/v1/intakes/",
        "/api/v1/hosts/",
        "/api/v1/markets/{country}/",
        "/api/v1/placements/{id}/arrival/",
        "/api/v1/placements/{id}/entries/",
        "/api/v1/desk-invoices/{id}/confirm/",
        "/api/v1/account/",
        "/api/v1/tokens/",
    ]:
        assert f"  {path}:" in text


def test_the_schema_states_the_limits_and_the_error_shape():
    schema = Client().get("/api/schema/?format=json").json()
    assert "120/minute per token and 300/minute per address" in schema["info"]["description"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "message", "fields"]
    responses = schema["paths"]["/api/v1/placements/"]["get"]["responses"]
    assert sorted(responses) == ["200", "400", "401", "403", "404", "405", "406", "415", "429"]
    assert schema["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from your account page: Authorization: Bearer slp_...",
    }


def test_the_docs_page_loads_only_the_portals_own_files():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http" not in html.replace('href="/', "").split("<body>")[1]
    assert "<style" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
