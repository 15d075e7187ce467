"""The auditor's evidence package: raw AWS artifacts, the auditor's populations, the scan
results by criterion and the exemption register, indexed with SHA-256 hashes and written
atomically, plus the verifier that proves nothing changed after collection.

The AWS artifacts are the responses the live scan itself received (recorded on its clients)
and a few reads only the package needs, made on the same thread pool, so an account is read
once for both the verdicts and the evidence. Modules here import neither boto3 nor Checkov at
import time.
"""
