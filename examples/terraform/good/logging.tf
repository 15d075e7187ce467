resource "aws_cloudtrail" "main" {
  name                          = "acme-billing"
  s3_bucket_name                = aws_s3_bucket.documents["invoice-archive"].id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
}

resource "aws_guardduty_detector" "main" {
  enable = true
}

resource "aws_config_configuration_recorder" "main" {
  name     = "default"
  role_arn = "arn:aws:iam::111122223333:role/aws-config"
  recording_group {
    all_supported                 = true
    include_global_resource_types = true
  }
}

resource "aws_config_configuration_recorder_status" "main" {
  name       = aws_config_configuration_recorder.main.name
  is_enabled = true
}

# Anyone stopping, deleting or reconfiguring the trail pages the security on-call.
resource "aws_cloudwatch_event_rule" "trail_changes" {
  name = "cloudtrail-changes"
  event_pattern = jsonencode({
    source      = ["aws.cloudtrail"]
    detail-type = ["AWS API Call via CloudTrail"]
    detail = {
      eventSource = ["cloudtrail.amazonaws.com"]
      eventName   = ["StopLogging", "DeleteTrail", "UpdateTrail"]
    }
  })
}

resource "aws_sns_topic" "security_oncall" {
  name = "security-oncall"
}

resource "aws_cloudwatch_event_target" "trail_changes" {
  rule = aws_cloudwatch_event_rule.trail_changes.name
  arn  = aws_sns_topic.security_oncall.arn
}

resource "aws_kms_key" "billing" {
  description         = "Billing database and invoice encryption"
  enable_key_rotation = true
}

# Signing key for invoice PDFs: asymmetric keys cannot rotate automatically, so no result.
resource "aws_kms_key" "invoice_signing" {
  description              = "Invoice signature"
  customer_master_key_spec = "RSA_2048"
  key_usage                = "SIGN_VERIFY"
}
