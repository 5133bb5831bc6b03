"""The product's own knobs, read from the environment (imported at the end of base.py, so every
environment has them): catalogue and exports, the schedule, dispatch, live tracking and money.
Each is documented in the README's configuration table."""

from decimal import Decimal

import environ

env = environ.Env()

# --- Domain ---------------------------------------------------------------------------
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
# Tracking points older than this are deleted every night (the latest position stays on the
# professional's profile).
LOCATION_RETENTION_DAYS = env.int("LOCATION_RETENTION_DAYS", default=90)
# PostgreSQL keeps the points in monthly partitions: beat makes this month's and this many ahead.
LOCATION_PARTITION_MONTHS_AHEAD = env.int("LOCATION_PARTITION_MONTHS_AHEAD", default=2)
# Where links in emails (export finished, reminders, monthly reports) point.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
REVIEW_EDIT_WINDOW_DAYS = 7
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# The public cache (householdsvc/core/cache.py): how long browsers and shared caches may keep an
# anonymous catalogue answer without asking again, and how long Redis keeps one.
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=10)
PUBLIC_CACHE_TTL = env.int("PUBLIC_CACHE_TTL", default=300)
# The one currency of every price: shown on the pages and e-mails, and charged through Stripe.
# Rupees by default, as pin codes are Indian.
CURRENCY = env("DJANGO_CURRENCY", default="INR").upper()

# --- Schedule (requests_app.schedule) -------------------------------------------------
# Bookable start times are this many minutes apart, counted from local midnight.
SLOT_STEP_MINUTES = env.int("SLOT_STEP_MINUTES", default=30)
# How far ahead a household job may be booked.
BOOKING_HORIZON_DAYS = env.int("BOOKING_HORIZON_DAYS", default=14)
# Cancelling an assigned job is free until this many hours before its slot; after that (or once
# the professional is on the way) it costs CANCEL_FEE_PERCENT of the estimate, at least the minimum.
CANCEL_FREE_HOURS = env.int("CANCEL_FREE_HOURS", default=24)
# A completed request nobody closed closes by itself this many days after completion.
CLOSE_AFTER_DAYS = env.int("CLOSE_AFTER_DAYS", default=7)
# A customer may move a booking until this many hours before it.
RESCHEDULE_CUTOFF_HOURS = env.int("RESCHEDULE_CUTOFF_HOURS", default=12)
# Booking reminders (exports.booking_reminders, by beat): the customer from this local hour the
# evening before, the professional this many minutes before the job.
EVENING_REMINDER_HOUR = env.int("EVENING_REMINDER_HOUR", default=18)
PRO_REMINDER_MINUTES = env.int("PRO_REMINDER_MINUTES", default=60)
# A recurring series' occurrences are booked this many days before they happen (by beat).
SERIES_AHEAD_DAYS = env.int("SERIES_AHEAD_DAYS", default=7)
# A professional who releases a job within this many hours of its slot is counted (admins see it).
LATE_RELEASE_HOURS = env.int("LATE_RELEASE_HOURS", default=CANCEL_FREE_HOURS)
CANCEL_FEE_PERCENT = Decimal(env("CANCEL_FEE_PERCENT", default="20"))
CANCEL_FEE_MIN = Decimal(env("CANCEL_FEE_MIN", default="100.00"))

# `manage.py load_demo_data` (make run): each app's idempotent demo step, in the order they build
# on each other (people need the catalogue, requests need people, trips need requests).
DEMO_STEPS = [
    "accounts.management.commands.load_demo_data.load_catalogue",
    "accounts.management.commands.load_demo_data.load_people",
    "requests_app.demo.load_demo_requests",
    "tracking.demo.load_demo_trips",
]

# --- Dispatch (requests_app.offers) ----------------------------------------------------
# A roadside request is offered to this many of the nearest suitable professionals at a time.
DISPATCH_BATCH = env.int("DISPATCH_BATCH", default=3)
# An offer not taken within this many seconds expires and the next round goes out.
DISPATCH_OFFER_SECONDS = env.int("DISPATCH_OFFER_SECONDS", default=60)
# Fair among the nearest: professionals within this many km of the nearest one are offered the
# request first, the one who has waited longest since their last job leading (requests_app.matching).
DISPATCH_FAIRNESS_KM = env.float("DISPATCH_FAIRNESS_KM", default=2.0)
# Tasks in-process (no worker, no beat: `make run`): the embedded server sweeps expired offer
# rounds this often in a thread (requests_app.sweeper); 0 = never (a worker and beat do it).
DISPATCH_SWEEP_THREAD_SECONDS = env.float("DISPATCH_SWEEP_THREAD_SECONDS", default=0)
# After this many rounds without a taker the request is flagged unmatched for the admins.
DISPATCH_MAX_ROUNDS = env.int("DISPATCH_MAX_ROUNDS", default=3)
# An available professional's page reports their position this often (accounts.positions).
POSITION_REPORT_SECONDS = env.int("POSITION_REPORT_SECONDS", default=30)
# A professional's position older than this does not count for matching.
POSITION_STALE_MINUTES = env.int("POSITION_STALE_MINUTES", default=10)
# The speed an ETA is worked out at before the professional is on the way (km/h).
DISPATCH_ETA_SPEED_KMH = env.float("DISPATCH_ETA_SPEED_KMH", default=30.0)
# --- Live map and ETA (tracking.eta) ------------------------------------------------
# Map tiles; empty = no tiles (the markers show on a plain background, as in the tests).
MAP_TILE_URL = env("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="&copy; OpenStreetMap contributors")
# The ETA assumes at least this speed (km/h), also when the professional stands still.
ETA_FLOOR_SPEED_KMH = env.float("ETA_FLOOR_SPEED_KMH", default=10.0)
# The recent speed is measured over the points of this many seconds before the newest.
ETA_SPEED_WINDOW_SECONDS = env.int("ETA_SPEED_WINDOW_SECONDS", default=300)
# The customer is told when the ETA slips this many minutes past the first promised time.
DELAY_ALERT_MINUTES = env.int("DELAY_ALERT_MINUTES", default=10)
# Within this many metres of the request's position the professional's page offers Arrive.
ARRIVAL_RADIUS_M = env.int("ARRIVAL_RADIUS_M", default=200)
# PostgreSQL: find the nearest by walking the cube/earthdistance GiST index (requests_app.matching;
# bench/geo.py measures it against the portable box path and a full scan). SQLite ignores it.
DISPATCH_MATCHING_KNN = env.bool("DISPATCH_MATCHING_KNN", default=True)
# Five wrong start codes lock `arrive` until an admin resets them.
START_CODE_MAX_ATTEMPTS = env.int("START_CODE_MAX_ATTEMPTS", default=5)

# --- Payments (Stripe) ----------------------------------------------------------------
# Without a secret key the pay endpoint answers 503 `payments_unavailable`; without a webhook
# secret the webhook does too (Stripe then retries the event later).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Charged in CURRENCY's smallest unit (paise for rupees).
# Only to point the client at a Stripe stand-in (stripe-mock, a test server); empty = Stripe.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_TIMEOUT_SECONDS = env.int("STRIPE_TIMEOUT_SECONDS", default=20)
# Money (requests_app/money): a final price more than this above the estimate needs the
# customer's approval; the platform keeps this share of the price (never of the tip); prices
# include tax at TAX_PERCENT, shown on the receipt when set (0: no tax line).
PRICE_TOLERANCE_PERCENT = Decimal(env.str("PRICE_TOLERANCE_PERCENT", default="10"))
PLATFORM_COMMISSION_PERCENT = Decimal(env.str("PLATFORM_COMMISSION_PERCENT", default="15"))
TAX_PERCENT = Decimal(env.str("TAX_PERCENT", default="0"))
# A Checkout Session left unpaid expires after this many minutes (Stripe allows 30 to 1440).
STRIPE_CHECKOUT_EXPIRES_MINUTES = env.int("STRIPE_CHECKOUT_EXPIRES_MINUTES", default=60)
