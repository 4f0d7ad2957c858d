"""OpenAPI description of BearerAuthentication: a bearer token (JWT or gf_ API token), plus the
OAuth2 password flow on /api/v1/auth/login so Swagger's "Authorize" button can log in."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BearerAuthentication"
    name = ["bearerAuth", "passwordLogin"]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "A JWT access token from /api/v1/auth/login, or an API token (gf_...).",
            },
            {
                "type": "oauth2",
                "flows": {"password": {"tokenUrl": "/api/v1/auth/login", "scopes": {}}},
            },
        ]

    def get_security_requirement(self, auto_schema):
        # Either scheme will do (a list means "or" in OpenAPI), not both together.
        return [{"bearerAuth": []}, {"passwordLogin": []}]
