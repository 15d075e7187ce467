"""The catalog's decisions, one module per AWS service (and one for the organisation's
records). Each check is a function over a view from :mod:`soc2_checks.views`, declared with
:func:`soc2_checks.registry.check` so its metadata sits beside its rule."""
