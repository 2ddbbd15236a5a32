"""One extractor per source system and API style, one module per vendor.

Modules are named like the vendor layouts' prefix (``layouts/vendors/<vendor>__<export>.yml``)
and like the Connection's extra ``vendor``:

* ``genesys_cloud``: acd, analytics conversation-detail jobs;
* ``amazon_connect``: acd contact search and qa evaluation listing;
* ``zendesk``: crm, incremental ticket export;
* ``salesforce``: crm, SOQL Case query;
* ``nice_iex``: wfm, exporter endpoints.

``base`` holds what they share (``Extractor``, the paging loop, landing helpers);
:data:`EXTRACTORS` maps ``(source, vendor)`` to the extractor class the runner uses.
"""

from __future__ import annotations

from pilotage.extract.vendors import amazon_connect, genesys_cloud, nice_iex, salesforce, zendesk
from pilotage.extract.vendors.base import Extractor, registry

__all__ = ["EXTRACTORS", "Extractor"]

EXTRACTORS = registry(
    (
        salesforce.SalesforceCaseQuery,
        genesys_cloud.GenesysConversationJobs,
        amazon_connect.ConnectContactSearch,
        zendesk.ZendeskIncrementalTickets,
        nice_iex.IexExporters,
        amazon_connect.ConnectEvaluationListing,
    )
)
