"""Genesys Cloud: analytics conversation-detail *jobs* (acd).

POST a job for the window's UTC interval, poll its state, then GET its results by ``cursor``;
an expired job is started again with the pages read so far dropped. Lands ``contacts`` for the
vendor layout ``genesys_cloud__conversation_details`` (``layouts/vendors/``).
"""

from __future__ import annotations

from pilotage.extract.http import ExtractError
from pilotage.extract.vendors.base import Extractor, PageHook, iso_ms, json_document, local_day, paged, records_of


class GenesysConversationJobs(Extractor):
    """Genesys Cloud analytics conversation details *jobs* (asynchronous export)."""

    source, vendor = "acd", "genesys_cloud"
    layouts = {"acd__contacts": "genesys_cloud__conversation_details"}
    file_names = {"acd__contacts": "contacts_{yyyymmdd}.jsonl"}
    JOBS = "/api/v2/analytics/conversations/details/jobs"

    def _job(self) -> str:
        job = self.run.cursor.get("job")
        if job:
            return job
        interval = f"{iso_ms(self.window.start_utc)}/{iso_ms(self.window.end_utc)}"
        created = self.client.call("POST", self.JOBS, label="job-create", json_body={"interval": interval})
        job = created.value.get("jobId")
        if not job:
            raise ExtractError(f"{self.cfg.conn_id}: the job request answered no jobId: {created.value!r}")
        self.run.data["cursor"] = {"job": job}
        self.run.save()
        return job

    def _wait(self, job: str) -> str:
        """Poll the job until it is FULFILLED; returns its final state."""
        waited = 0.0
        while True:
            status = self.client.call("GET", f"{self.JOBS}/{job}", label="job-status").value
            state = str(status.get("state", "")).upper()
            if state in ("FULFILLED", "EXPIRED"):
                return state
            if state in ("FAILED", "CANCELLED"):
                raise ExtractError(
                    f"{self.cfg.conn_id}: export job {job} ended {state}: "
                    f"{status.get('errorMessage') or 'no message'}"
                )
            if waited >= self.cfg.job_timeout_seconds:
                raise ExtractError(
                    f"{self.cfg.conn_id}: export job {job} still {state or '?'} after "
                    f"{waited:.0f}s (job_timeout_seconds)"
                )
            self.client.sleep(self.cfg.poll_seconds)
            waited += self.cfg.poll_seconds

    def fetch(self, on_page: PageHook) -> None:
        for _ in range(3):
            job = self._job()
            if self._wait(job) == "EXPIRED":
                self.run.reset_pages(f"job {job} expired")
                continue
            results = f"{self.JOBS}/{job}/results"
            paged(
                self.client,
                self.run,
                "conversations",
                lambda cursor, results=results: {
                    "method": "GET",
                    "path": results,
                    "params": {"pageSize": self.cfg.page_size, **({"cursor": cursor} if cursor else {})},
                },
                lambda page: page.get("cursor"),
                on_page,
            )
            return
        raise ExtractError(f"{self.cfg.conn_id}: export jobs kept expiring before their results were read")

    def records(self) -> dict[str, list[dict]]:
        return {"acd__contacts": records_of(self.run, "conversations", "conversations")}

    def key(self, entity_key, record):
        return record.get("conversationId")

    def version(self, entity_key, record):
        return record.get("conversationEnd") or ""

    def day_of(self, entity_key, record):
        return local_day(record.get("conversationStart"), self.window.zone)

    def render(self, entity_key, day, records):
        return json_document("conversations", records)
