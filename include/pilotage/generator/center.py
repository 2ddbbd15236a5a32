"""The contact center the generator models: one place for every business constant.

Two outsourced providers, three sites, five queues (the ``QUEUES`` table is mirrored by the dbt
sample center ``center/queues.csv``: keep names, channels, providers, sites and thresholds
identical), opening hours, volume profiles, staffing rules, the QA form and the evaluators.
Everything else in the generator reads its parameters from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

TIME_ZONE = "Europe/Paris"
INTERVAL_SECONDS = 1800  # 30-minute intervals everywhere (forecast, queueing, agent report)

# The generator can produce any day in this window (agent histories and case numbers are laid
# out over it from the seed alone, independently of the requested range).
FIRST_SUPPORTED_DAY = date(2017, 1, 1)
LAST_SUPPORTED_DAY = date(2039, 12, 31)
HISTORY_START = date(2008, 1, 1)  # first hires (site openings)
HISTORY_END = date(2041, 12, 31)  # agent histories are drawn up to here
CASE_NUMBER_EPOCH = date(2016, 1, 1)  # case numbers are allotted per day from this day on


@dataclass(frozen=True)
class Provider:
    provider_id: str
    name: str


@dataclass(frozen=True)
class Site:
    site_id: str
    city: str
    provider_id: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


@dataclass(frozen=True)
class Queue:
    """One ACD queue. Durations in seconds."""

    name: str
    channel: str  # VOICE | CHAT | EMAIL
    provider_id: str
    site_id: str
    sl_threshold_seconds: int
    short_abandon_seconds: int
    share: float  # share of the center's volume
    mean_aht: float  # talk + hold + after-contact work
    mean_patience: float | None  # None: contacts never abandon (e-mail)
    hold_probability: float  # share of handled contacts with 1-2 holds
    acw_share: float  # after-contact work as a share of the AHT
    followup_rate: float  # share of contacts that follow up an earlier case (0-7 days)
    unresolved_rate: float  # share of cases not solved by their first contact
    case_origin: str  # Salesforce Case.Origin
    # (reason, type, weight) for new cases
    reasons: tuple[tuple[str, str, float], ...]
    high_priority_rate: float


PROVIDERS: tuple[Provider, ...] = (
    Provider("PRV_A", "Acme Contact"),
    Provider("PRV_B", "Bravo Relation"),
)

_FR_FIRST = ("Camille", "Lucas", "Manon", "Hugo", "Chloé", "Théo", "Léa", "Nathan", "Inès", "Louis",
             "Sarah", "Mathis", "Emma", "Julien", "Clara", "Maxime", "Laura", "Antoine", "Pauline",
             "Nicolas", "Élodie", "Thomas", "Marine", "Romain", "Anaïs", "Kévin", "Justine", "Yanis")
_FR_LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David",
            "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
            "Dupont", "Lambert", "Bonnet", "Faure", "Rousseau", "Blanc")
_PT_FIRST = ("João", "Maria", "Ana", "Pedro", "Inês", "Tiago", "Beatriz", "Rui", "Sofia", "Miguel",
             "Mariana", "Diogo", "Catarina", "André", "Rita", "Bruno", "Joana", "Ricardo",
             "Carolina", "Hugo", "Marta", "Nuno", "Filipa", "Gonçalo", "Leonor", "Vasco")
_PT_LAST = ("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins",
            "Jesus", "Sousa", "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves",
            "Almeida", "Ribeiro", "Pinto", "Carvalho", "Teixeira", "Moreira", "Correia", "Mendes")
_MA_FIRST = ("Youssef", "Fatima", "Mohamed", "Khadija", "Amine", "Salma", "Omar", "Imane", "Hamza",
             "Meryem", "Karim", "Nadia", "Mehdi", "Sara", "Anas", "Hajar", "Yassine", "Zineb",
             "Ayoub", "Loubna", "Reda", "Ghita", "Soufiane", "Houda", "Ilyas", "Kenza")
_MA_LAST = ("Alaoui", "Benali", "El Idrissi", "Bennani", "Tazi", "Berrada", "Chraibi", "El Amrani",
            "Fassi", "Lahlou", "Benjelloun", "Sqalli", "Kettani", "Naciri", "Ouazzani", "Belhaj",
            "Rami", "Zouiten", "El Fassi", "Hajji", "Mansouri", "Cherkaoui", "Bouzidi", "Saidi")

SITES: tuple[Site, ...] = (
    Site("LYS", "Lyon", "PRV_A", _FR_FIRST, _FR_LAST),
    Site("OPO", "Porto", "PRV_A", _PT_FIRST, _PT_LAST),
    Site("RBA", "Rabat", "PRV_B", _MA_FIRST, _MA_LAST),
)

QUEUES: tuple[Queue, ...] = (
    Queue("VOICE_BILLING", "VOICE", "PRV_A", "LYS", 20, 5, 0.32, 300.0, 150.0, 0.30, 0.14,
          0.15, 0.20, "Phone",
          (("Billing", "Question", 0.45), ("Billing", "Problem", 0.30),
           ("Account Management", "Request", 0.15), ("Complaint", "Complaint", 0.10)), 0.08),
    Queue("VOICE_TECH", "VOICE", "PRV_A", "OPO", 20, 5, 0.22, 420.0, 180.0, 0.35, 0.12,
          0.25, 0.35, "Phone",
          (("Technical Issue", "Problem", 0.65), ("Technical Issue", "Question", 0.20),
           ("Complaint", "Complaint", 0.15)), 0.25),
    Queue("VOICE_SALES", "VOICE", "PRV_B", "RBA", 30, 5, 0.18, 360.0, 120.0, 0.25, 0.10,
          0.12, 0.15, "Phone",
          (("New Subscription", "Request", 0.55), ("Information Request", "Question", 0.35),
           ("Account Management", "Request", 0.10)), 0.05),
    Queue("CHAT_SUPPORT", "CHAT", "PRV_A", "OPO", 60, 10, 0.12, 600.0, 240.0, 0.0, 0.10,
          0.18, 0.20, "Chat",
          (("Technical Issue", "Question", 0.45), ("Billing", "Question", 0.30),
           ("Information Request", "Question", 0.25)), 0.10),
    Queue("EMAIL_GENERAL", "EMAIL", "PRV_B", "RBA", 86400, 0, 0.16, 480.0, None, 0.0, 0.08,
          0.20, 0.25, "Email",
          (("Billing", "Question", 0.30), ("Information Request", "Question", 0.30),
           ("Account Management", "Request", 0.25), ("Complaint", "Complaint", 0.15)), 0.06),
)
QUEUE_INDEX = {q.name: i for i, q in enumerate(QUEUES)}
SITE_INDEX = {s.site_id: i for i, s in enumerate(SITES)}
PROVIDER_OF_SITE = {s.site_id: s.provider_id for s in SITES}
EMAIL_QUEUE = QUEUE_INDEX["EMAIL_GENERAL"]

# Opening hours of voice and chat (and e-mail handling), local minutes since midnight per
# weekday (Monday = 0); None = closed. E-mails arrive around the clock.
OPENING_HOURS: dict[int, tuple[int, int] | None] = {
    0: (8 * 60, 20 * 60), 1: (8 * 60, 20 * 60), 2: (8 * 60, 20 * 60), 3: (8 * 60, 20 * 60),
    4: (8 * 60, 20 * 60), 5: (9 * 60, 17 * 60), 6: None,
}
# E-mails received less than this before closing are worked the next open day.
EMAIL_CUTOFF_BEFORE_CLOSE_MINUTES = 120

# --- volume model ---------------------------------------------------------------------------
# Weekly profile over the open days (Mon..Sat), normalized to a mean of 1: contacts_per_day is
# the average over open days. E-mails arrive every day (Sunday too); their seven factors sum to 6
# so that a week still holds 6 x contacts_per_day contacts in expectation.
_WEEKLY_VOICE = (1.22, 1.08, 1.00, 0.97, 0.93, 0.45, 0.0)
_WEEKLY_EMAIL = (1.15, 1.05, 1.00, 1.00, 0.95, 0.55, 0.35)
WEEKLY_VOICE = tuple(w * 6 / sum(_WEEKLY_VOICE) for w in _WEEKLY_VOICE)
WEEKLY_EMAIL = tuple(w * 6 / sum(_WEEKLY_EMAIL) for w in _WEEKLY_EMAIL)
# Monthly seasonality (January and September peaks, August low), mean 1, interpolated daily.
_MONTHLY = (1.14, 1.03, 1.00, 0.97, 0.95, 0.96, 0.90, 0.78, 1.12, 1.06, 1.03, 0.93)
MONTHLY_SEASONALITY = tuple(m * 12 / sum(_MONTHLY) for m in _MONTHLY)
ANNUAL_TREND = 0.02  # +2 % volume a year
TREND_REFERENCE = date(2026, 7, 1)  # trend factor 1 on this day
DAY_NOISE_SIGMA = 0.05  # day-to-day volume noise (lognormal sigma), common to all queues
QUEUE_DAY_NOISE_SIGMA = 0.04
EVENT_DAY_PROBABILITY = 0.03  # incident days (+15 to +35 % volume, not forecast)
INTERVAL_NOISE_SHAPE = 150.0  # gamma noise per queue x interval (over-dispersed Poisson)
MAX_DAY_FACTOR = 1.5


def intraday_weight(channel: str, hour: float) -> float:
    """Relative arrival intensity at local time ``hour`` (morning and early-afternoon peaks)."""
    g = math.exp
    if channel == "VOICE":
        return (0.25 + g(-(((hour - 10.25) / 1.25) ** 2)) + 0.85 * g(-(((hour - 14.5) / 1.5) ** 2))
                + 0.2 * g(-(((hour - 18.0) / 1.2) ** 2)))
    if channel == "CHAT":
        return (0.3 + 0.7 * g(-(((hour - 11.0) / 1.5) ** 2)) + 0.8 * g(-(((hour - 15.0) / 1.8) ** 2))
                + 0.6 * g(-(((hour - 19.0) / 1.2) ** 2)))
    # e-mail: around the clock, low at night
    return (0.1 + 0.8 * g(-(((hour - 10.0) / 2.0) ** 2)) + 0.7 * g(-(((hour - 15.0) / 2.5) ** 2))
            + 0.35 * g(-(((hour - 21.0) / 1.5) ** 2)))


# --- forecast -------------------------------------------------------------------------------
FORECAST_DAY_SIGMA = 0.03  # forecast error of the day volume (lognormal sigma)
FORECAST_BAD_DAY_PROBABILITY = 0.12
FORECAST_BAD_DAY_SIGMA = 0.10
FORECAST_INTERVAL_SIGMA = 0.05
FORECAST_AHT_SIGMA = 0.03
SERVICE_LEVEL_TARGET = 0.80  # FCST_REQ: agents for 80 % answered within the queue threshold
EMAIL_OCCUPANCY_TARGET = 0.80  # e-mail staffing = workload / this

# --- workforce ------------------------------------------------------------------------------
SHRINKAGE = 0.30  # roster sizing: staff = requirement / (1 - shrinkage)
TEAM_SIZE = 12
MEAN_TENURE_YEARS = 6.0
MIN_TENURE_DAYS = 45
REHIRE_GAP_DAYS = (10, 60)  # a vacant position is filled again after this many days
NOTICE_DAYS = 21  # leave_date shows in the roster this long before it
LEAVER_VISIBLE_DAYS = 30  # leavers stay in the snapshot this long after leave_date
TEAM_MOVE_RATE = 0.12  # team moves per agent-year
SECONDARY_SKILL_RATE = 0.35  # agents of two-queue sites also skilled on the other queue
NEW_HIRE_TRAINING_DAYS = 10  # calendar days of classroom training after hire (no ACD login)
VACATION_SINGLE_DAYS = 8  # plus a two-week summer block and one more week: ~8 % of agent-days
SICK_EPISODES_PER_MONTH = 0.42  # ~4 % of agent-days, more in winter
SICK_MONTH_FACTOR = (1.5, 1.4, 1.1, 0.9, 0.8, 0.7, 0.6, 0.6, 0.9, 1.0, 1.2, 1.5)
# day off of the 5-day week, Mon..Sat (nobody is off on Monday, the busiest day)
DAY_OFF_WEIGHTS = (0.0, 0.08, 0.10, 0.10, 0.12, 0.60)
TRAINING_PROBABILITY = 0.06  # one-hour TRAINING in an agent-day
MEETING_PROBABILITY = 0.05  # one-hour team MEETING in an agent-day
# staffing decisions: most days on plan, some deliberately under- or over-staffed
STAFFING_MIX = ((0.70, 1.00, 1.10), (0.15, 0.78, 0.92), (0.15, 1.12, 1.30))
STAFFING_INTERVAL_SIGMA = 0.08
UNPLANNED_LOSS_ALLOWANCE = 0.07  # planners add staff for late logins, unplanned AUX, sickness

# --- adherence / unplanned loss -------------------------------------------------------------
LATE_LOGIN_PROBABILITY = 0.25
LATE_RETURN_PROBABILITY = 0.30
UNPLANNED_AUX_PROBABILITY = 0.08
OVERRUN_GRACE_SECONDS = 240  # a contact may finish this long after its OPEN block ends

# --- contacts -------------------------------------------------------------------------------
TRANSFER_RATE = 0.03  # of answered voice contacts in the target queues
TRANSFERS = (("VOICE_BILLING", "VOICE_TECH"), ("VOICE_TECH", "VOICE_BILLING"),
             ("VOICE_SALES", "VOICE_BILLING"))
DUPLICATE_RATE = 0.005  # CTR lines delivered twice (later LastUpdateTimestamp)
CUSTOMER_BASE = 2_000_000
FOLLOWUP_LAG_WEIGHTS = (0.25, 0.30, 0.15, 0.10, 0.07, 0.05, 0.04, 0.04)  # 0..7 days back
FOLLOWUP_SAME_QUEUE = 0.70
UNRESOLVED_FOLLOWUP_WEIGHT = 8.0  # follow-ups mostly come back on unresolved cases

# --- surveys --------------------------------------------------------------------------------
SURVEY_RESPONSE_RATE = 0.17
CES_SHARE = 0.55

# --- quality --------------------------------------------------------------------------------
QA_FORM_TITLE = "Voice quality grid"
QA_FORM_VERSION = 3
# (questionRefId, sectionRefId, critical, maxPoints)
QA_QUESTIONS: tuple[tuple[str, str, bool, int], ...] = (
    ("greeting", "opening", False, 5),
    ("identity_check", "opening", True, 10),
    ("needs_discovery", "handling", False, 15),
    ("solution_accuracy", "handling", False, 20),
    ("tone_empathy", "handling", False, 10),
    ("hold_etiquette", "handling", False, 5),
    ("recap_next_steps", "closing", False, 10),
    ("gdpr_disclosure", "closing", True, 5),
)
QA_NOT_APPLICABLE_RATE = 0.06  # per non-critical question (plus hold_etiquette without hold)
QA_CRITICAL_FAIL_RATE = 0.01  # per critical question
QA_EVALUATIONS_PER_AGENT_MONTH = 4.0
# evaluators per provider with their stable severity bias (+ lenient, - severe)
EVALUATORS: dict[str, tuple[tuple[str, float], ...]] = {
    "PRV_A": (("qa-a-01", 0.75), ("qa-a-02", 0.15), ("qa-a-03", -0.15), ("qa-a-04", -0.75)),
    "PRV_B": (("qa-b-01", 0.6), ("qa-b-02", 0.0), ("qa-b-03", -0.6)),
}
REFERENCE_EVALUATOR = "qa-client-ref"
CALIBRATION_CONTACTS = 3


def queue_sites() -> dict[str, tuple[int, ...]]:
    """site_id -> indices of the queues served there."""
    out: dict[str, list[int]] = {s.site_id: [] for s in SITES}
    for i, q in enumerate(QUEUES):
        out[q.site_id].append(i)
    return {k: tuple(v) for k, v in out.items()}
