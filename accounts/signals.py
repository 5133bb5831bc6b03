"""Signals accounts sends for the apps above it, which it may not import.

``availability_switched_off(professional_id)``: a professional stopped taking work, sent after
the change committed. requests_app withdraws their open offers at once (the offers' reads and
accepting also check availability, so the rule does not rest on the signal alone).
"""

from django.dispatch import Signal

availability_switched_off = Signal()
