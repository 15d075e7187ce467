"""Registers the SOC 2 checks (built-in and from installed soc2-checks plugins) with Checkov.

Loaded by ``checkov --external-checks-dir "$(soc2-checks checkov-dir)"``; select only these
checks with ``--check 'SOC2_*'``. The decisions are the registry's rules, not copies.
"""

from soc2_checks.iac.checks import register_installed

register_installed()
