"""SOC 2 policy-as-code for AWS: one check catalog for Checkov pull-request scans, live
account scans and the organisation's own records, mapped to Trust Services Criteria."""

__version__ = "0.1.0"
