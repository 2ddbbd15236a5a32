"""Loopback fakes of the vendor APIs, serving generated data, with fault injection.

:class:`FakeVendorApis` is a real HTTP server (``ThreadingHTTPServer`` on 127.0.0.1, port 0, in
a thread) answering the routes the extractors of ``pilotage.extract.vendors`` call, in each
vendor's shape (one module per vendor here, as there):

* ``POST /oauth/token`` - client credentials (HTTP basic auth), answers ``access_token``;
* ``genesys_cloud``: ``POST /api/v2/analytics/conversations/details/jobs``, ``GET .../jobs/{id}``,
  ``GET .../jobs/{id}/results?cursor=`` - conversation detail jobs;
* ``amazon_connect``: ``POST /contacts/search`` with ``NextToken``; ``GET /evaluations`` with
  ``nextToken``;
* ``zendesk``: ``GET /api/v2/incremental/tickets/cursor.json`` - incremental export;
* ``nice_iex``: ``GET /wfm/exporters/<export>?date=`` - exporter files;
* ``salesforce``: ``GET /services/data/v62.0/query?q=SOQL`` then ``nextRecordsUrl``.

Its data (:class:`VendorData`) comes from default-layout files (what ``pilotage.generator.generate``
writes), turned into each vendor's records by ``pilotage.samples``. :meth:`FakeVendorApis.add_fault`
injects faults into the next matching requests: ``slow`` (answer after ``delay`` s),
``500``/``503``, ``429`` (with ``retry_after``), ``drop`` (close the connection without
answering), ``truncate`` (a 200 whose body is cut), ``expire_token`` (every token issued so far
stops working); ``overlap = k`` repeats the first k records of each next page at the end of a page
(duplicate records across pages). Every request is logged in ``requests``.
"""

from fakes.vendors.data import VendorData
from fakes.vendors.genesys_cloud import expire_job
from fakes.vendors.server import FakeVendorApis

__all__ = ["FakeVendorApis", "VendorData", "expire_job"]
