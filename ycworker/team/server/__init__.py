"""The team server: enrolment, push, pull, conflicts and erasure over PostgreSQL (``service``),
and the HTTP API in front of it (``app``). Installed with the ``server`` extra."""
