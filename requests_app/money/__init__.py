"""Money on a service request: the estimate and its parts, price changes the customer approves,
paying on the web (Stripe Checkout) or in cash, receipts, and the professional's earnings.

``requests_app.payments`` keeps the app's PaymentIntent flow and the webhook's entry point; the
modules here add to it and are called from it through a few hook lines.
"""
