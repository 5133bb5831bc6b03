"""Web pages for service requests: customers book and follow their requests, professionals
take offers and work their jobs.

Thin on purpose: every read goes through ``requests_app.selectors`` (scoped by the acting
user) and every write through ``requests_app.services``, the same functions the API and the
back office call. A ``ServiceError`` becomes an error message on the page it came from.

By sub-domain: ``common`` (guards, one write reported as a message, paging, the list filter),
``customer``, ``professional`` and ``detail`` (the request page, which reviews and tracking
complete with their own panels through template tags).
"""
