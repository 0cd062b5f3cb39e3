"""content-center's domain: repositories, read queries and business rules over contents, accounts,
publishes, the calendar and metrics. content-center's activities write through it; the BFF reads through it.
Repositories are tenant-scoped and flush but never commit: the activity or the request owns the transaction."""
