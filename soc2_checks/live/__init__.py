"""The live AWS account scanner: sessions, the read-only guard, regions, concurrent
collection and one collector per service that turns API responses into the views of
:mod:`soc2_checks.views`. Every decision stays with the registered rules; this package only
reads, and says precisely what it could not read."""
