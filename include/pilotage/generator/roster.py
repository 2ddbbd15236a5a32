"""Agents: one history for the whole supported period, drawn from the seed alone.

Each site has a fixed number of *positions* per queue (sized from the peak requirement, see
``size_positions``). A position is held by a chain of agents: hire, tenure (exponential, mean
MEAN_TENURE_YEARS), leave, a vacancy of a few weeks, the next hire... Every agent gets a stable
handling-speed factor, a quality level and a customer-satisfaction effect, a few team moves, a
yearly vacation plan and monthly sick episodes, each from its own (seed, period, purpose) stream.
A day's roster snapshot and availability are pure functions of this history and the day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from pilotage.generator import center as C
from pilotage.generator.demand import expected_arrivals, expected_email_backlog
from pilotage.generator.erlang import required_agents
from pilotage.generator.streams import lognormal_unit_mean, stream

_NEVER = C.HISTORY_END.toordinal() + 100_000
PAID_HOURS_PER_SHIFT = 7.0
SIZING_DAY = date(2026, 1, 12)  # a Monday of January: the reference peak


def size_positions(contacts_per_day: float) -> dict[int, int]:
    """Positions per queue: peak on-queue hours / (paid hours x (1 - shrinkage))."""
    expected = expected_arrivals(SIZING_DAY, contacts_per_day) * 1.04
    out = {}
    for qi, q in enumerate(C.QUEUES):
        if q.channel == "EMAIL":
            hours = (expected_email_backlog(SIZING_DAY, contacts_per_day) * 1.04 * q.mean_aht / 3600
                     / C.EMAIL_OCCUPANCY_TARGET)
        else:
            req = required_agents(expected[qi], q.mean_aht, q.sl_threshold_seconds, C.SERVICE_LEVEL_TARGET)
            hours = float(np.sum(req)) * 0.5
        heads = hours * 1.45 / (PAID_HOURS_PER_SHIFT * (1.0 - C.SHRINKAGE))
        out[qi] = max(6, int(math.ceil(heads)) + 1)
    return out


@dataclass
class History:
    """Column arrays, one element per agent (occupant of a position) over the whole history."""

    queue: np.ndarray  # primary queue index (the pool the agent is planned in)
    site: np.ndarray  # site index
    position: np.ndarray
    hire: np.ndarray  # ordinal
    leave: np.ndarray  # ordinal of the last employed day, _NEVER if none
    team0: np.ndarray  # initial team number (1-based, per site)
    aht_factor: np.ndarray
    quality: np.ndarray  # QA latent level
    csat_effect: np.ndarray
    critical_risk: np.ndarray  # multiplier of the critical-question failure rate
    agent_id: np.ndarray  # object (str)
    username: np.ndarray  # object (str)
    first_name: np.ndarray
    last_name: np.ndarray
    skills: np.ndarray
    move_agent: np.ndarray  # team moves, sorted by (agent, day)
    move_day: np.ndarray
    move_team: np.ndarray

    @property
    def size(self) -> int:
        return len(self.queue)

    def employed(self, day: date) -> np.ndarray:
        o = day.toordinal()
        return (self.hire <= o) & (o <= self.leave)

    def team_on(self, day: date) -> np.ndarray:
        """Team number of every agent on ``day`` (initial team unless moved since)."""
        team = self.team0.copy()
        o = day.toordinal()
        done = self.move_day <= o
        if done.any():
            # moves are sorted by (agent, day): the last applicable one wins
            agents, teams = self.move_agent[done], self.move_team[done]
            team[agents] = teams  # later assignments overwrite earlier ones
        return team


def build_history(seed: int, contacts_per_day: float) -> History:
    positions = size_positions(contacts_per_day)
    site_queues = C.queue_sites()
    start, end = C.HISTORY_START.toordinal(), C.HISTORY_END.toordinal()
    rows: list[tuple] = []
    moves: list[tuple[int, int, int]] = []
    for site_idx, site in enumerate(C.SITES):
        queues = site_queues[site.site_id]
        site_total = sum(positions[q] for q in queues)
        n_teams = max(1, math.ceil(site_total / C.TEAM_SIZE))
        site_pos = 0
        for qi in queues:
            others = [q for q in queues if q != qi]
            for p in range(positions[qi]):
                rng = stream(seed, p, f"roster/{C.QUEUES[qi].name}")
                team = site_pos * n_teams // site_total + 1
                site_pos += 1
                hire = start + int(rng.integers(0, 5 * 365))
                while hire <= end:
                    tenure = max(C.MIN_TENURE_DAYS, int(rng.exponential(C.MEAN_TENURE_YEARS * 365.25)))
                    leave = hire + tenure
                    skills = [C.QUEUES[qi].name]
                    if others and rng.random() < C.SECONDARY_SKILL_RATE:
                        skills += [C.QUEUES[o].name for o in others]
                    skill = float(rng.normal())  # one stable skill level drives speed, QA, CSAT
                    row = (qi, site_idx, p, hire, leave if leave <= end else _NEVER, team,
                           float(np.exp(-0.08 * skill) * lognormal_unit_mean(rng, 0.06)),
                           float(0.45 * skill + rng.normal(0.0, 0.3)),
                           float(0.12 * skill + rng.normal(0.0, 0.25)), float(lognormal_unit_mean(rng, 0.6)),
                           site.first_names[int(rng.integers(len(site.first_names)))],
                           site.last_names[int(rng.integers(len(site.last_names)))],
                           ";".join(skills))
                    # team moves during the tenure
                    span = min(leave, end) - hire
                    n_moves = min(4, int(rng.poisson(C.TEAM_MOVE_RATE * span / 365.25)))
                    agent_moves = []
                    if n_teams > 1 and span > 120:
                        days = np.sort(rng.integers(hire + 60, hire + span, n_moves))
                        current = team
                        for d in days.tolist():
                            new = int(rng.integers(1, n_teams))  # 1..n_teams-1, skip current
                            new = new + 1 if new >= current else new
                            agent_moves.append((d, new))
                            current = new
                    rows.append((row, agent_moves))
                    if leave > end:
                        break
                    hire = leave + int(rng.integers(*C.REHIRE_GAP_DAYS))
    # number the agents per site in hiring order
    # (site, hire day, queue, position)
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0][1], rows[i][0][3], rows[i][0][0],
                                                     rows[i][0][2]))
    counters = [0] * len(C.SITES)
    agent_id, username = [], []
    final_rows = []
    for new_idx, i in enumerate(order):
        row, agent_moves = rows[i]
        site_idx = row[1]
        counters[site_idx] += 1
        code = C.SITES[site_idx].site_id
        agent_id.append(f"AG-{code}-{counters[site_idx]:04d}")
        username.append(f"a.{code.lower()}.{counters[site_idx]:04d}")
        final_rows.append(row)
        moves.extend((new_idx, d, t) for d, t in agent_moves)
    cols = list(zip(*final_rows, strict=True))
    moves.sort()
    mv = np.array(moves, dtype=np.int64).reshape(-1, 3)
    return History(
        queue=np.array(cols[0], dtype=np.int64), site=np.array(cols[1], dtype=np.int64),
        position=np.array(cols[2], dtype=np.int64), hire=np.array(cols[3], dtype=np.int64),
        leave=np.array(cols[4], dtype=np.int64), team0=np.array(cols[5], dtype=np.int64),
        aht_factor=np.array(cols[6]), quality=np.array(cols[7]), csat_effect=np.array(cols[8]),
        critical_risk=np.array(cols[9]),
        agent_id=np.array(agent_id, dtype=object), username=np.array(username, dtype=object),
        first_name=np.array(cols[10], dtype=object), last_name=np.array(cols[11], dtype=object),
        skills=np.array(cols[12], dtype=object),
        move_agent=mv[:, 0], move_day=mv[:, 1], move_team=mv[:, 2],
    )


@dataclass(frozen=True)
class RosterSnapshot:
    agents: np.ndarray  # agent indices in the snapshot, sorted by agent_id
    team: np.ndarray  # team number of each
    leave_shown: np.ndarray  # bool: leave_date filled in


def roster_snapshot(history: History, day: date) -> RosterSnapshot:
    """Agents hired by ``day`` and not gone for more than LEAVER_VISIBLE_DAYS."""
    o = day.toordinal()
    visible = (history.hire <= o) & (o <= history.leave + C.LEAVER_VISIBLE_DAYS)
    idx = np.flatnonzero(visible)
    idx = idx[np.argsort(history.agent_id[idx], kind="stable")]
    team = history.team_on(day)[idx]
    leave_shown = (history.leave[idx] < _NEVER) & (o >= history.leave[idx] - C.NOTICE_DAYS)
    return RosterSnapshot(agents=idx, team=team, leave_shown=leave_shown)


def _week_day_off(seed: int, history: History, day: date) -> np.ndarray:
    monday = day - timedelta(days=day.weekday())
    rng = stream(seed, monday, "week-pattern")
    w = np.array(C.DAY_OFF_WEIGHTS)
    return rng.choice(6, size=history.size, p=w / w.sum())


def _vacation(seed: int, history: History, day: date) -> np.ndarray:
    year_start = date(day.year, 1, 1)
    rng = stream(seed, year_start, "vacation")
    n = history.size
    first_monday = year_start + timedelta(days=(7 - year_start.weekday()) % 7)
    fm = first_monday.toordinal()
    summer = fm + 7 * rng.integers(25, 33, n)  # two weeks between late June and August
    other_week = rng.integers(1, 45, n)
    other_week = np.where((other_week >= 24) & (other_week <= 35), other_week + 12, other_week)
    other = fm + 7 * other_week
    shape = (n, C.VACATION_SINGLE_DAYS)
    singles = fm + rng.integers(0, 50, shape) * 7 + rng.integers(0, 5, shape)
    o = day.toordinal()
    return (((o >= summer) & (o < summer + 13)) | ((o >= other) & (o < other + 6))
            | (singles == o).any(axis=1))


def _sick(seed: int, history: History, day: date) -> np.ndarray:
    out = np.zeros(history.size, dtype=bool)
    o = day.toordinal()
    month_start = date(day.year, day.month, 1)
    prev_start = (month_start - timedelta(days=1)).replace(day=1)
    for m in (prev_start, month_start):
        rng = stream(seed, m, "sick")
        rate = C.SICK_EPISODES_PER_MONTH * C.SICK_MONTH_FACTOR[m.month - 1]
        n_ep = np.minimum(rng.poisson(rate, history.size), 3)
        starts = m.toordinal() + rng.integers(0, 28, (history.size, 3))
        lengths = 1 + rng.poisson(1.6, (history.size, 3))
        live = np.arange(3)[None, :] < n_ep[:, None]
        out |= (live & (o >= starts) & (o < starts + lengths)).any(axis=1)
    return out


@dataclass(frozen=True)
class Availability:
    employed: np.ndarray  # bool per agent
    in_training: np.ndarray  # new hires in classroom training (no ACD login)
    on_vacation: np.ndarray  # planned absence on a day they would work
    sick: np.ndarray  # would be sick if scheduled
    available: np.ndarray  # can be planned on queue


def availability(seed: int, history: History, day: date) -> Availability:
    employed = history.employed(day)
    o = day.toordinal()
    in_training = employed & (o - history.hire < C.NEW_HIRE_TRAINING_DAYS) & (day.weekday() < 5)
    wd = day.weekday()
    works = np.zeros(history.size, dtype=bool)
    if wd < 6:
        works = _week_day_off(seed, history, day) != wd
    works &= employed & ~in_training
    vacation = works & _vacation(seed, history, day) & (wd < 5)
    sick = _sick(seed, history, day)
    available = works & ~vacation
    return Availability(employed=employed, in_training=in_training, on_vacation=vacation, sick=sick,
                        available=available)
