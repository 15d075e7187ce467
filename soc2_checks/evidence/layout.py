"""The package's folders: the layout of the audit-readiness guide's "Evidence Package
Structure", plus the populations, the scan results and the exemption register."""

from __future__ import annotations

ACCESS = "CC6-access-control"
ENCRYPTION = "CC6-encryption"
NETWORK = "CC6-network"
MONITORING = "CC7-monitoring"
INCIDENTS = "CC7-incident-response"
VENDORS = "CC9-vendor-management"
POLICIES = "policies"
POPULATIONS = "populations"
RESULTS = "results"
EXEMPTIONS = "exemptions"

FOLDERS: dict[str, str] = {
    ACCESS: "who can reach AWS and how: credential report, password policy, IAM policies, Identity Center, reviews",
    ENCRYPTION: "KMS keys and rotation, S3 encryption and public access, EBS and RDS encryption",
    NETWORK: "security-group rules and VPCs",
    MONITORING: "CloudTrail, GuardDuty, AWS Config, alarms and the alerting on trail changes",
    INCIDENTS: "incident and tabletop records, and the tickets that answered high GuardDuty findings",
    VENDORS: "the vendor inventory",
    POLICIES: "the policy documents and their version history",
    POPULATIONS: "the lists the auditor requests on day 1, for sampling",
    RESULTS: "the scan's verdicts by criterion: JSON, CSV matrix, HTML report",
    EXEMPTIONS: "the compensating-control register and its report",
}

INDEX = "README.md"
MANIFEST = "manifest.json"
WALKTHROUGH = "walkthrough-prep.md"

NOT_COLLECTED = (
    "Security Hub summary, WAF web ACLs and load-balancer TLS policies (not read by soc2-checks)",
    "the MFA-enforcement policy as a file of its own (every IAM policy is in CC6-access-control/iam-policies.json)",
    "the vendors' SOC 2 reports themselves (from each vendor, AWS's from AWS Artifact)",
    "offboarding tickets and post-incident review documents (linked from the records, not copied)",
)
"""Items of the guide's layout the package does not hold, listed in the index so the auditor
knows to ask for them rather than assume they were overlooked."""
