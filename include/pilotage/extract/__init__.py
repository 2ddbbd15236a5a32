"""Extraction as production does it: vendor HTTP APIs and file drops, into the landing folder.

* ``config``    - API settings from an Airflow Connection (``pilotage_<source>_api``); no secret in code
* ``http``      - the robust client: timeouts, retries with backoff and jitter, 429/Retry-After,
                  OAuth client-credentials refresh, every response body archived as received
* ``state``     - an extraction run's checkpoint (cursor, pages, job id): resumable after a crash
* ``vendors``   - one module per vendor (``genesys_cloud``, ``amazon_connect``, ``zendesk``,
                  ``salesforce``, ``nice_iex``), one extractor per source system and API style;
                  ``vendors.base`` the window, paging loop and extractor contract; ``vendors.EXTRACTORS``
                  the registry the runner looks the Connection's vendor up in
* ``runner``    - ``extract(source, start, end, settings)``: fetch, de-duplicate, write landing files
* ``filedrop``  - pick up complete files from a local folder, SFTP or object store (fsspec URL)

The loopback fake vendor APIs the tests run these against live in ``tests/fakes/vendors/``.
"""
