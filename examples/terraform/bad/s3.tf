# Customer uploads: no default encryption, and a public access block that leaves three of
# the four settings off.
resource "aws_s3_bucket" "customer_uploads" {
  bucket = "acme-billing-${var.environment}-customer-uploads"
}

resource "aws_s3_bucket_public_access_block" "customer_uploads" {
  bucket            = aws_s3_bucket.customer_uploads.id
  block_public_acls = true
}

# Invoice PDFs: the encryption configuration below names the archive bucket, not this one,
# so this bucket has none; its ACL makes every invoice world-readable.
resource "aws_s3_bucket" "invoices" {
  bucket = "acme-billing-${var.environment}-invoices"
}

resource "aws_s3_bucket" "invoice_archive" {
  bucket = "acme-billing-${var.environment}-invoice-archive"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "invoice_archive" {
  bucket = aws_s3_bucket.invoice_archive.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_ownership_controls" "invoices" {
  bucket = aws_s3_bucket.invoices.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_acl" "invoices" {
  bucket = aws_s3_bucket.invoices.id
  acl    = "public-read"
}

resource "aws_s3_account_public_access_block" "account" {
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = false
}
