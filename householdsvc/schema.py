"""The OpenAPI schema class of the project (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

Apart from householdsvc.api because drf-spectacular imports DRF's generic views, which load
the pagination class from householdsvc.api: one module would import itself half-made.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, plus the answer every paginated list gives to a ``page`` that is not
    a positive whole number or is past the end: 404. Views name only their own errors."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            from householdsvc.core.schema import errors  # the error components; imports the apps

            for code, response in errors(404).items():
                if str(code) not in responses:
                    responses[str(code)] = self._get_response_for_code(
                        response, str(code), direction=direction
                    )
        return responses
