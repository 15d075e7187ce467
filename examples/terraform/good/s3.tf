resource "aws_s3_bucket" "customer_uploads" {
  bucket = "acme-billing-${var.environment}-customer-uploads"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "customer_uploads" {
  bucket = aws_s3_bucket.customer_uploads.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.billing.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "customer_uploads" {
  bucket                  = aws_s3_bucket.customer_uploads.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

# Invoice PDFs: every bucket, one loop; each configuration points at its own bucket.
locals {
  document_buckets = toset(["invoices", "invoice-archive"])
}

resource "aws_s3_bucket" "documents" {
  for_each = local.document_buckets
  bucket   = "acme-billing-${var.environment}-${each.key}"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "documents" {
  for_each = aws_s3_bucket.documents
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_ownership_controls" "documents" {
  for_each = aws_s3_bucket.documents
  bucket   = each.value.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# The account-wide block covers every bucket, today's and tomorrow's.
resource "aws_s3_account_public_access_block" "account" {
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}
