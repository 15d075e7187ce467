resource "aws_cloudtrail" "main" {
  name                  = "acme-billing"
  s3_bucket_name        = aws_s3_bucket.invoice_archive.id
  is_multi_region_trail = false
}

resource "aws_guardduty_detector" "main" {
  enable = false
}

resource "aws_config_configuration_recorder" "main" {
  name     = "default"
  role_arn = "arn:aws:iam::111122223333:role/aws-config"
  recording_group {
    all_supported = false
    resource_types = ["AWS::S3::Bucket"]
  }
}

resource "aws_config_configuration_recorder_status" "main" {
  name       = aws_config_configuration_recorder.main.name
  is_enabled = false
}

resource "aws_kms_key" "billing" {
  description = "Billing database and invoice encryption"
}
