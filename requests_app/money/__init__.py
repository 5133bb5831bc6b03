"""Money on a service request: the estimate and its parts, price changes the customer approves,
paying on the web (Stripe Checkout) or in cash, the card on file and cancellation fees charged
to it off-session, receipts, refunds (card through Stripe, cash recorded by an admin), and the
professional's earnings. The policies are in docs/architecture.md, "Money".

``requests_app.payments`` keeps the app's PaymentIntent flow and the webhook's entry point; the
modules here add to it and are called from it through a few hook lines.
"""
