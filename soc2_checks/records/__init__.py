"""The organisation's own records, read for SOC2_OPS_1..6: the HR termination list, ticket
exports, access reviews, incident-response records, the vendor inventory and the policy
folder with its git history.

Every file is validated by a JSON Schema in ``mappings/schemas/records-*.schema.json`` before
anything is judged; an invalid file is invalid input naming the file and the row or field.
Modules here import neither boto3 nor Checkov at import time.
"""

from __future__ import annotations
