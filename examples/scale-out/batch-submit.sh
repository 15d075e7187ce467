#!/bin/sh
# Submit one sharded scan of the organization to AWS Batch, and the merge that waits for it.
#
# The scan is an array job of 4 children (keep "size" in batch-scan-submit.json equal to SHARDS
# in batch-scan-job-definition.json); each child scans shard AWS_BATCH_JOB_ARRAY_INDEX and
# copies its JSON to $RESULTS/$RUN_ID/. The merge job depends on the whole array, so it starts
# when every child has succeeded, and never on a partial run.
#
#   aws batch register-job-definition --cli-input-json file://batch-scan-job-definition.json
#   aws batch register-job-definition --cli-input-json file://batch-merge-job-definition.json
#   ./batch-submit.sh
set -eu
cd "$(dirname "$0")"
run_id=$(date -u +%Y-%m-%dT%H%M%SZ)
scan=$(aws batch submit-job --cli-input-json file://batch-scan-submit.json \
  --container-overrides "environment=[{name=RUN_ID,value=$run_id}]" --query jobId --output text)
aws batch submit-job --cli-input-json file://batch-merge-submit.json --depends-on "jobId=$scan" \
  --container-overrides "environment=[{name=RUN_ID,value=$run_id}]" --query jobId --output text
echo "results: s3://acme-soc2-results/live/$run_id/merged/"
