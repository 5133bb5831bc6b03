"""Fill a PostgreSQL database with benchmark-sized data: services, customers, professionals and
a million service requests, in a few minutes.

Every row is generated inside PostgreSQL with ``INSERT … SELECT … generate_series`` (no Python
object per row, no round trip per row) and is valid for every CHECK and foreign key of the
models: a request's status agrees with its professional, final price and stage timestamps; its
professional is an approved one of the request's own service; positions lie around one city.

Idempotent and resumable: each table is topped up to the asked count in batches committed one
by one, so a second run finds the counts reached and does nothing, and an interrupted run
carries on where it stopped. Users share one password hash computed once (hashing 100,000
passwords would take longer than the rest of the load).
"""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import CustomerProfile, ProfessionalProfile, User
from catalog.models import Service, ServiceKind
from requests_app.models import RequestEvent, ServiceRequest

BULK_PASSWORD = "bulk-pass-123"
EMAIL_DOMAIN = "bulk.householdsvc.test"
ADMIN_EMAIL = f"bench-admin@{EMAIL_DOMAIN}"
PLACEHOLDER_DOCUMENT = "verification/bulk/placeholder-licence.pdf"
USER_BATCH = 50_000
REQUEST_BATCH = 100_000
# One request in this many gets its "create" line in the audit trail: enough rows for the
# events endpoints to have something to show without doubling the load time.
EVENT_SAMPLE_EVERY = 10
# The first 1% of customers (by id) place a quarter of all requests, so some have hundreds.
HEAVY_CUSTOMER_SHARE = 0.01
HEAVY_REQUEST_SHARE = 0.25
# The newest share of requests is where the open ones are; older ones are mostly finished.
RECENT_SHARE = 0.05

AT_ADDRESS_NAMES = [
    "Deep cleaning", "Plumbing", "Electrical repair", "AC repair", "Carpentry", "Painting",
    "Pest control", "Appliance repair", "Gardening", "Home salon", "Kitchen cleaning",
    "Sofa cleaning", "Water purifier service", "Bathroom cleaning", "Laundry",
]  # fmt: skip
DISPATCH_NAMES = [
    "Vehicle breakdown", "Flat tyre", "EV charge", "Lock-out", "Battery jump-start",
    "Fuel delivery", "Towing",
]  # fmt: skip

# Around one city (Bengaluru): ~0.3° square, pin codes 560001-560100.
CITY = {"lat": 12.9716, "lng": 77.5946, "span": 0.3}
PIN_SQL = "'560' || lpad((1 + floor(random() * 100))::int::text, 3, '0')"
FIRST_NAMES = "ARRAY['Aarav','Priya','Rahul','Ananya','Vikram','Meera','Arjun','Kavya','Rohan','Isha','Karan','Divya','Sanjay','Nisha','Amit','Pooja','Ravi','Sneha','Manoj','Lakshmi']"  # noqa: E501
LAST_NAMES = "ARRAY['Sharma','Iyer','Reddy','Nair','Gupta','Rao','Patel','Menon','Singh','Das','Kumar','Joshi','Bhat','Pillai','Verma']"  # noqa: E501
STREETS = "ARRAY['MG Road','Brigade Road','Residency Road','100 Feet Road','Church Street','Hosur Road','Old Airport Road','Bannerghatta Road']"  # noqa: E501


RANDOM_LAT = f"round(({CITY['lat']} + (random() - 0.5) * {CITY['span']})::numeric, 6)"
RANDOM_LNG = f"round(({CITY['lng']} + (random() - 0.5) * {CITY['span']})::numeric, 6)"


def _name_sql(n: str) -> str:
    # Doubled percent signs: the SQL goes through the driver's %(name)s parameter formatting.
    return f"({FIRST_NAMES})[1 + ({n} %% 20)] || ' ' || ({LAST_NAMES})[1 + (({n} / 20) %% 15)]"


USERS_SQL = f"""
INSERT INTO accounts_user (password, is_superuser, email, full_name, phone, role, is_active, is_staff,
                           blocked_at, block_reason, created_at, updated_at)
SELECT %(password)s, false, %(prefix)s || i || '@{EMAIL_DOMAIN}', {_name_sql("i")},
       '+91 9' || lpad(i::text, 9, '0'), %(role)s, i %% 200 <> 0, false,
       CASE WHEN i %% 200 = 0 THEN now() END,
       CASE WHEN i %% 200 = 0 THEN 'Chargebacks on several requests' ELSE '' END,
       now() - interval '800 days' + (i * interval '1 day' * 730 / %(total)s), now()
FROM generate_series(%(start)s, %(stop)s) AS i
ON CONFLICT DO NOTHING
"""

CUSTOMER_PROFILES_SQL = f"""
INSERT INTO accounts_customerprofile (user_id, address, pin_code, latitude, longitude)
SELECT u.id, (u.id %% 400 + 1) || ' ' || ({STREETS})[1 + u.id %% 8] || ', Bengaluru', {PIN_SQL},
       {RANDOM_LAT}, {RANDOM_LNG}
FROM accounts_user u
WHERE u.role = 'customer'
  AND NOT EXISTS (SELECT 1 FROM accounts_customerprofile p WHERE p.user_id = u.id)
"""

# Services are numbered 0..M-1 in id order; professional n offers service n mod M.
PROFESSIONAL_PROFILES_SQL = f"""
WITH s AS MATERIALIZED (
    SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, kind FROM catalog_service WHERE is_active
), u AS MATERIALIZED (
    SELECT u.id, u.created_at, random() AS r_verify, random() AS r_avail, random() AS r_pos, random() AS r_ev
    FROM accounts_user u
    WHERE u.role = 'professional'
      AND NOT EXISTS (SELECT 1 FROM accounts_professionalprofile p WHERE p.user_id = u.id)
)
INSERT INTO accounts_professionalprofile (
    user_id, experience_years, address, pin_code, contact_phone, verification_status, verified_at,
    rejection_reason, document, document_content_type, company_name, vehicle_registration,
    service_radius_km, is_available, current_latitude, current_longitude, position_updated_at,
    ev_certified, average_rating, rating_count, created_at, updated_at, service_id, verified_by_id)
SELECT u.id, u.id %% 31, (u.id %% 300 + 1) || ' ' || ({STREETS})[1 + u.id %% 8] || ', Bengaluru', {PIN_SQL},
       '+91 8' || lpad(u.id::text, 9, '0'),
       CASE WHEN u.r_verify < 0.85 THEN 'approved' WHEN u.r_verify < 0.95 THEN 'pending' ELSE 'rejected' END,
       CASE WHEN u.r_verify < 0.85 OR u.r_verify >= 0.95 THEN u.created_at + interval '2 days' END,
       CASE WHEN u.r_verify >= 0.95 THEN 'Document unreadable' ELSE '' END,
       %(document)s, 'application/pdf',
       CASE WHEN s.kind = 'dispatch' THEN 'Roadside Co ' || (u.id %% 500) ELSE '' END,
       CASE WHEN s.kind = 'dispatch' THEN 'KA-01-' || lpad((u.id %% 10000)::text, 4, '0') ELSE '' END,
       5 + (u.id %% 46), u.r_avail < 0.4,
       CASE WHEN u.r_pos < 0.7 THEN {RANDOM_LAT} END, CASE WHEN u.r_pos < 0.7 THEN {RANDOM_LNG} END,
       CASE WHEN u.r_pos < 0.7 THEN now() - interval '10 minutes' END,
       s.kind = 'dispatch' AND u.r_ev < 0.3, 0, 0, u.created_at, now(), s.id,
       CASE WHEN u.r_verify < 0.85 OR u.r_verify >= 0.95 THEN %(admin_id)s END
FROM u JOIN s ON s.n = u.id %% %(services)s
"""

# One batch of requests, k = start..stop of the total. The professional is drawn first among
# approved, active ones and the request takes that professional's service; open requests then
# drop the professional again. Stage timestamps follow each other in order.
REQUESTS_SQL = f"""
WITH c AS MATERIALIZED (
    SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM accounts_user WHERE role = 'customer'
), p AS MATERIALIZED (
    SELECT row_number() OVER (ORDER BY pp.user_id) - 1 AS n, pp.user_id AS id, pp.service_id
    FROM accounts_professionalprofile pp JOIN accounts_user u ON u.id = pp.user_id
    WHERE pp.verification_status = 'approved' AND u.is_active
), g AS MATERIALIZED (
    SELECT k, random() AS r_status, random() AS r_price, random() AS r_pay, random() AS r_pos,
           random() AS r_a, random() AS r_b, random() AS r_c,
           CASE WHEN random() < {HEAVY_REQUEST_SHARE} THEN floor(random() * %(heavy)s)
                ELSE floor(random() * %(customers)s) END::bigint AS ci,
           floor(random() * %(professionals)s)::bigint AS pi,
           %(end)s::timestamptz - (%(total)s - k) * %(step)s * interval '1 second' AS created_at,
           k > %(total)s * {1 - RECENT_SHARE} AS recent
    FROM generate_series(%(start)s, %(stop)s) AS k
), r AS MATERIALIZED (
    SELECT g.*, c.id AS customer_id, p.id AS pro_id, s.id AS service_id, s.kind, s.base_price,
           s.time_required_minutes,
           CASE WHEN g.recent THEN
                CASE WHEN r_status < 0.35 THEN 'requested' WHEN r_status < 0.55 THEN 'assigned'
                     WHEN r_status < 0.65 THEN 'en_route' WHEN r_status < 0.75 THEN 'on_site'
                     WHEN r_status < 0.90 THEN 'completed' ELSE 'cancelled' END
           ELSE CASE WHEN r_status < 0.70 THEN 'closed' WHEN r_status < 0.84 THEN 'completed'
                     WHEN r_status < 0.97 THEN 'cancelled' ELSE 'requested' END
           END AS status
    FROM g JOIN c ON c.n = g.ci JOIN p ON p.n = g.pi JOIN catalog_service s ON s.id = p.service_id
), t AS MATERIALIZED (
    SELECT r.*,
           status IN ('assigned', 'en_route', 'on_site', 'completed', 'closed')
             OR (status = 'cancelled' AND r_a < 0.5) AS has_pro,
           created_at + (5 + r_a * 115) * interval '1 minute' AS t_assigned,
           created_at + (20 + r_b * 60 + r_a * 115) * interval '1 minute' AS t_started,
           created_at + (35 + r_b * 90 + r_a * 115) * interval '1 minute' AS t_arrived,
           created_at + (35 + r_b * 90 + r_a * 115 + time_required_minutes)
             * interval '1 minute' AS t_completed,
           created_at + (35 + r_b * 90 + r_a * 115 + time_required_minutes + 60 + r_c * 4000)
             * interval '1 minute' AS t_closed,
           created_at + (10 + r_c * 1400) * interval '1 minute' AS t_cancelled
    FROM r
), ins AS (
    INSERT INTO requests_app_servicerequest (
        description, address, pin_code, latitude, longitude, vehicle_type, scheduled_for, remarks,
        status, price_estimate, final_price, payment_status, payment_reference, cancel_reason,
        created_at, assigned_at, started_at, arrived_at, completed_at, closed_at, cancelled_at,
        updated_at, customer_id, professional_id, service_id,
        dispatch_round, start_code, start_code_failures)
    SELECT
        (ARRAY['Kitchen sink is leaking under the cabinet', 'Two-bedroom flat, full clean please',
               'Car will not start near the office', 'Front left tyre is flat',
               'AC is blowing warm air', 'Need three ceiling fans fitted',
               'Locked my keys inside the car', 'Battery ran flat in the car park'])[1 + k %% 8],
        (k %% 500 + 1) || ' ' || ({STREETS})[1 + k %% 8] || ', Bengaluru',
        {PIN_SQL},
        CASE WHEN kind = 'dispatch' OR r_pos < 0.6
             THEN round(({CITY["lat"]} + (r_pos - 0.5) * {CITY["span"]})::numeric, 6) END,
        CASE WHEN kind = 'dispatch' OR r_pos < 0.6
             THEN round(({CITY["lng"]} + (r_c - 0.5) * {CITY["span"]})::numeric, 6) END,
        CASE WHEN kind = 'dispatch'
             THEN (ARRAY['car', 'motorcycle', 'van', 'truck', 'ev', 'other'])[1 + k %% 6] ELSE '' END,
        CASE WHEN kind = 'at_address' THEN created_at + (1 + k %% 7) * interval '1 day' END,
        CASE WHEN k %% 7 = 0 THEN 'Please call before coming' ELSE '' END,
        status, base_price,
        CASE WHEN status IN ('completed', 'closed')
             THEN round(base_price * (0.8 + r_price * 0.7)::numeric, 2) END,
        CASE WHEN status = 'closed' THEN 'paid'
             WHEN status = 'completed' THEN CASE WHEN r_pay < 0.5 THEN 'pending' ELSE 'paid' END
             WHEN status = 'cancelled' AND has_pro AND r_pay < 0.2 THEN 'refunded'
             ELSE 'unpaid' END,
        CASE WHEN status = 'closed' OR (status = 'completed' AND r_pay >= 0.5)
                  OR (status = 'cancelled' AND has_pro AND r_pay < 0.2)
             THEN 'pi_bulk_' || k ELSE '' END,
        CASE WHEN status = 'cancelled' THEN 'No longer needed' ELSE '' END,
        created_at,
        CASE WHEN has_pro THEN t_assigned END,
        CASE WHEN status IN ('en_route', 'on_site', 'completed', 'closed') THEN t_started END,
        CASE WHEN status IN ('on_site', 'completed', 'closed') THEN t_arrived END,
        CASE WHEN status IN ('completed', 'closed') THEN t_completed END,
        CASE WHEN status = 'closed' THEN t_closed END,
        CASE WHEN status = 'cancelled' THEN greatest(t_cancelled, CASE WHEN has_pro THEN t_assigned END) END,
        CASE status WHEN 'requested' THEN created_at WHEN 'assigned' THEN t_assigned
                    WHEN 'en_route' THEN t_started WHEN 'on_site' THEN t_arrived
                    WHEN 'completed' THEN t_completed WHEN 'closed' THEN t_closed
                    ELSE greatest(t_cancelled, CASE WHEN has_pro THEN t_assigned END) END,
        customer_id, CASE WHEN has_pro THEN pro_id END, service_id,
        0, lpad(floor(random() * 10000)::int::text, 4, '0'), 0
    FROM t ORDER BY k
    RETURNING id, customer_id, created_at
)
INSERT INTO requests_app_requestevent (action, from_status, to_status, note, created_at, actor_id, request_id)
SELECT 'create', '', 'requested', 'Bulk-loaded', created_at, customer_id, id
FROM ins WHERE id %% {EVENT_SAMPLE_EVERY} = 0
"""


class Command(BaseCommand):
    help = "Load benchmark-sized data into PostgreSQL (idempotent: tops up to the asked counts)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=1_000_000)
        parser.add_argument("--professionals", type=int, default=100_000)
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--services", type=int, default=24)

    def handle(self, *args, requests, professionals, customers, services, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "load_bulk_data generates rows inside PostgreSQL; set DATABASE_URL to a PostgreSQL "
                "database (SQLite is for the demo: use load_demo_data there)."
            )
        if min(requests, professionals, customers, services) < 1:
            raise CommandError("Every count must be at least 1.")
        self.started = time.monotonic()
        target = {"services": services, "customers": customers, "professionals": professionals}
        target["requests"] = requests
        if all(have >= target[name] for name, have in self._counts().items()):
            self.stdout.write(f"Bulk data already loaded ({self._describe()}); nothing to do.")
            return

        self._ensure_services(services)
        admin_id = self._ensure_admin()
        password = make_password(BULK_PASSWORD)
        self._top_up_users("customer", customers, password)
        self._run("customer profiles", CUSTOMER_PROFILES_SQL, {})
        self._top_up_users("pro", professionals, password)
        service_total = Service.objects.filter(is_active=True).count()
        self._run(
            "professional profiles",
            PROFESSIONAL_PROFILES_SQL,
            {"document": PLACEHOLDER_DOCUMENT, "admin_id": admin_id, "services": service_total},
        )
        self._top_up_requests(requests)
        self._reset_sequences()
        self._log("ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Bulk data loaded: {self._describe()}."))

    # --- steps ------------------------------------------------------------------------------

    def _counts(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT (SELECT count(*) FROM catalog_service),
                          (SELECT count(*) FROM accounts_user u JOIN accounts_customerprofile p
                                  ON p.user_id = u.id WHERE u.role = 'customer'),
                          (SELECT count(*) FROM accounts_professionalprofile),
                          (SELECT count(*) FROM requests_app_servicerequest)"""
            )
            row = cursor.fetchone()
        return dict(zip(["services", "customers", "professionals", "requests"], row, strict=True))

    def _describe(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in self._counts().items())

    def _log(self, message: str):
        self.stdout.write(f"[{time.monotonic() - self.started:7.1f}s] {message}")

    def _run(self, label: str, sql: str, params: dict) -> int:
        self._log(label)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def _ensure_services(self, total: int):
        """Services of both kinds, two household ones for each roadside one."""
        made = {ServiceKind.AT_ADDRESS: 0, ServiceKind.DISPATCH: 0}
        index = 0
        while Service.objects.count() < total:
            kind = ServiceKind.DISPATCH if index % 3 == 2 else ServiceKind.AT_ADDRESS
            names = DISPATCH_NAMES if kind == ServiceKind.DISPATCH else AT_ADDRESS_NAMES
            rounds, position = divmod(made[kind], len(names))
            name = names[position] + (f" {rounds + 1}" if rounds else "")
            made[kind] += 1
            index += 1
            dispatch = kind == ServiceKind.DISPATCH
            service = Service(
                name=name,
                description=f"{name}, done by a vetted professional.",
                base_price=75 + index % 5 * 10 if dispatch else 30 + index % 7 * 15,
                time_required_minutes=45 if dispatch else 60 + index % 4 * 30,
                kind=kind,
            )
            # A name already taken (case-insensitively) is skipped; the next one is tried.
            Service.objects.bulk_create([service], ignore_conflicts=True)

    def _ensure_admin(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO accounts_user (password, is_superuser, email, full_name, phone, role,
                       is_active, is_staff, block_reason, created_at, updated_at)
                   VALUES (%s, true, %s, 'Bench Admin', '', 'admin', true, true, '', now(), now())
                   ON CONFLICT DO NOTHING""",
                [make_password(BULK_PASSWORD), ADMIN_EMAIL],
            )
            cursor.execute("SELECT id FROM accounts_user WHERE lower(email) = %s", [ADMIN_EMAIL])
            return cursor.fetchone()[0]

    def _top_up_users(self, prefix: str, total: int, password: str):
        role = "customer" if prefix == "customer" else "professional"
        for start in range(1, total + 1, USER_BATCH):
            stop = min(total, start + USER_BATCH - 1)
            params = {"password": password, "prefix": prefix, "role": role, "total": total}
            self._run(f"{role} users {start}-{stop}", USERS_SQL, {**params, "start": start, "stop": stop})

    def _top_up_requests(self, total: int):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM requests_app_servicerequest")
            have = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM accounts_user WHERE role = 'customer'")
            customers = cursor.fetchone()[0]
            cursor.execute(
                """SELECT count(*) FROM accounts_professionalprofile pp JOIN accounts_user u
                   ON u.id = pp.user_id WHERE pp.verification_status = 'approved' AND u.is_active"""
            )
            professionals = cursor.fetchone()[0]
        if professionals == 0:
            raise CommandError("No approved, active professional to assign requests to.")
        # Two years of requests, the newest a day old, so stage timestamps stay in the past.
        span_seconds = 730 * 24 * 3600
        params = {
            "customers": customers,
            "heavy": max(1, int(customers * HEAVY_CUSTOMER_SHARE)),
            "professionals": professionals,
            "total": total,
            "step": span_seconds / total,
            "end": self._end_of_history(),
        }
        for start in range(have + 1, total + 1, REQUEST_BATCH):
            stop = min(total, start + REQUEST_BATCH - 1)
            self._run(f"requests {start}-{stop}", REQUESTS_SQL, {**params, "start": start, "stop": stop})

    def _end_of_history(self):
        return (timezone.now() - dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)

    def _reset_sequences(self):
        """Identity columns advance on their own here, but rows loaded by any other means (a
        restored dump, explicit ids) would leave them behind: set each past its table's max."""
        models = [User, CustomerProfile, ProfessionalProfile, Service, ServiceRequest, RequestEvent]
        # Not the sqlsequencereset command: its script carries its own BEGIN/COMMIT.
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
