"""Sub-commands of ``soc2-checks``. Each module offers ``register(subparsers)``, which adds
its parser and sets ``func``. Modules import Checkov and boto3 only inside ``func``, so that
``--help`` and ``controls`` answer at once."""

COMMANDS = (
    "iac",
    "live",
    "records",
    "evidence",
    "merge",
    "sample",
    "controls",
    "exemptions",
    "checkov_dir",
)
